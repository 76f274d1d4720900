import "./builtins/lsmagic.ts";
import "./builtins/timing.ts";
import "./builtins/env.ts";
import "./builtins/load_ext.ts";
import "./collection.ts";
import "./evol.ts";
import "./symbol_tune.ts";
import "./backend.ts";
