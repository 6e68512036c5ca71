/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The API's URL for a deployed console; unset, the console calls its own origin (npm start). */
  readonly VITE_API_URL?: string;
}
