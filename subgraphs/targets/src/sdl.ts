import "reflect-metadata";
import { printSdl } from "@opsconductor/kit";
import { targetsSchema } from "./schema";

printSdl("targets", targetsSchema);
