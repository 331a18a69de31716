/** @module A test script: solve on a pool, close it, and let the process end by itself (it cannot if a Worker lives). */
import { PowWorkerPool } from "../pool.ts";
import { VECTOR_CONFIG, VECTOR_SEED } from "./vector-config.ts";

const pool = new PowWorkerPool({ size: 2 });
const result = await pool.solve({ seed: VECTOR_SEED, difficulty: "0fff", config: VECTOR_CONFIG });
await pool.close();
console.log(JSON.stringify({ solved: result.solved }));
