// Validation rules shared by the services and the web console (pure: importable in a browser).
export * from "./targets";
