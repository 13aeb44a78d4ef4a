import "reflect-metadata";
import { printSdl } from "@opsconductor/kit";
import { authSchema } from "./schema";

printSdl("auth", authSchema);
