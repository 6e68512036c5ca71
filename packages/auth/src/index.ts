export { createTokenVerifier, signToken, type TokenSettings, type TokenVerifier } from "./tokens";
