// Use as: node --import ./register.mjs script.mjs
// Registers json-import-hooks.mjs (see there for why). module.register needs Node >= 20.6.
import { register } from "node:module";

register("./json-import-hooks.mjs", import.meta.url);
