import "reflect-metadata";
import { printSdl } from "@opsconductor/kit";
import { usersSchema } from "./schema";

printSdl("users", usersSchema);
