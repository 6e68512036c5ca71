export * from "./access";
export * from "./content-disposition";
export * from "./errors";
export * from "./keys";
export * from "./model";
export * from "./principal";
export * from "./upload-plan";
export * from "./validation";
