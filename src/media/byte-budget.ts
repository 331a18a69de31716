/**
 * @module The bytes one request may fetch or decode in all (MAX_MEDIA_SIZE), charged as they arrive, so twenty URLs
 * of 16 MB each cannot hold 320 MB for one request: the part that crosses the line is refused and the rest stop.
 */
import { describeLimit, MediaError } from "./media-error.ts";

export class ByteBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Refuses, without charging, bytes a server announced before they are read. */
  check(bytes: number): void {
    if (this.used + bytes > this.limit) this.refuse();
  }

  /** Charges bytes read or about to be decoded; throws once the request's total passes the limit. */
  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.limit) this.refuse();
  }

  private refuse(): never {
    throw new MediaError("over-budget", `the request's images and files together are larger than the limit of ${describeLimit(this.limit)} (MAX_MEDIA_SIZE)`);
  }
}
