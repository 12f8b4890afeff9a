// Why: a result too large to hold in memory. The agent's answer to `inventory.list` on a host
// with 10,000 processes is 5.5 MiB of JSON; building it as objects and then as one string costs
// more than the agent's whole memory budget. A handler can instead return the answer as JSON
// made in pieces, which the writer sends one by one into the same line as they are made.
export class JsonChunks<T> {
  /** Only for the type checker: the value these chunks are the JSON of. */
  declare readonly _value: T;
  /**
   * `chunks` may do the work lazily. If it throws half-way, the writer ends the broken line and
   * answers the request with the error, so the controller never waits for an answer in vain.
   */
  constructor(readonly chunks: () => Iterable<string>) {}
}
