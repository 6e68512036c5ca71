export { type ApiKeyStore, ApiKeys, looksLikeApiKey, type NewApiKey } from "./api-keys";
export {
  createTokenVerifier,
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  signToken,
  type TokenSettings,
  type TokenVerifier,
} from "./tokens";
