/**
 * @module Usage accounting of client keys: the request-log row a reply writes when it ends carries its tokens and
 * the key's label, so a store whose `logRequest` also charges the key sees every reply once, whichever engine made it.
 */
import type { Store } from "../store/store.ts";
import type { ClientKeys } from "./key-store-facade.ts";

export function chargingKeyUsage<S extends Pick<Store, "logRequest">>(store: S, keys: Pick<ClientKeys, "charge">, onError: (error: unknown) => void): S {
  const logRequest: Store["logRequest"] = async (entry) => {
    const charged = keys.charge(entry.clientKey, { promptTokens: entry.promptTokens ?? 0, completionTokens: entry.completionTokens ?? 0 }).catch(onError);
    await store.logRequest(entry);
    await charged;
  };
  // the stores are plain objects of closures: their other methods work copied
  return { ...store, logRequest };
}
