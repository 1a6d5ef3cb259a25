/** Grid helpers shared by the conformance cases (not a case module). */

/** Parts per direction with product np, splitting the last direction first. */
export function partsFor(np: number, dims: number): number[] {
  const parts = new Array<number>(dims).fill(1);
  let rest = np;
  for (let f = 2; rest > 1; f++) {
    while (rest % f === 0) {
      let d = dims - 1;
      for (let e = dims - 1; e >= 0; e--) if (parts[e] < parts[d]) d = e;
      parts[d] *= f;
      rest /= f;
    }
  }
  return parts;
}

/** Grid coordinates of an unknown's global id (column-major, direction 0 fastest). */
export function coordsOf(gid: number, sizes: readonly number[]): number[] {
  const c: number[] = [];
  let rest = gid;
  for (const size of sizes) {
    c.push(rest % size);
    rest = Math.floor(rest / size);
  }
  return c;
}
