export { type ApiKeyStore, ApiKeys, looksLikeApiKey, type NewApiKey } from "./api-keys";
export { createTokenVerifier, signToken, type TokenSettings, type TokenVerifier } from "./tokens";
