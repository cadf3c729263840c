/** A promise each of `parties` awaits; it resolves once all of them are waiting. */
export function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++waiting === parties) open();
    return opened;
  };
}
