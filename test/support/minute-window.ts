/**
 * @module Tests of per-minute limits against a real server count in the wall clock's minute: this waits until the
 * current minute has `needMs` left, so a test's requests all fall in one window and never see a rollover.
 */
export async function withinOneMinuteWindow(needMs = 15_000): Promise<void> {
  while (60_000 - (Date.now() % 60_000) < needMs) await Bun.sleep(250);
}
