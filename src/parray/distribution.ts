/**
 * How one dimension of a dense distributed array is dealt to the grid coordinates along it:
 * `'block'`, `'cyclic'`, `{ blockCyclic: b }` or `{ sizes }`. Everything is arithmetic (O(1), or
 * O(log p) for explicit sizes): no table of the n indices is ever built, so sizes up to 2^53 work.
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { blockOwner, blockStart } from '../partitions/uniform-partition.js';

/**
 * The distribution of one dimension over the `p` grid coordinates along it:
 * - `'block'`: contiguous blocks, sizes as `uniformPartition` (with `l = floor(n/p)`,
 *   `r = n mod p`, the last `r` coordinates get `l + 1`);
 * - `'cyclic'`: index `i` on coordinate `i mod p`;
 * - `{ blockCyclic: b }`: blocks of `b` consecutive indices dealt round-robin (block `k` on
 *   coordinate `k mod p`); `b ≥ 1`;
 * - `{ sizes }`: contiguous blocks of the given sizes, one per coordinate, summing to n.
 * @group Dense distributed arrays (PArray)
 */
export type Distribution =
  | 'block'
  | 'cyclic'
  | {
      /** The block size b ≥ 1: block k (indices kb .. kb+b−1) lives on coordinate k mod p. */
      readonly blockCyclic: number;
    }
  | {
      /** One contiguous block size per grid coordinate (non-negative integers summing to n). */
      readonly sizes: readonly number[];
    };

/**
 * One dimension's arithmetic: which coordinate owns a global index, where it is stored there, and
 * how many indices each coordinate owns. Within a coordinate, local order is ascending global
 * order, so the indices a coordinate owns inside any global range `[a, b)` are the consecutive
 * local indices `[countBefore(c, a), countBefore(c, b))`.
 */
export interface DimLayout {
  /** Global length of the dimension. */
  readonly n: number;
  /** Grid coordinates along it. */
  readonly p: number;
  /** The distribution, normalized (`'cyclic'` and `{ blockCyclic: 1 }` stay as given). */
  readonly dist: Distribution;
  /** Whether every coordinate owns one contiguous range of global indices. */
  readonly contiguous: boolean;
  /** The coordinate owning global index `g` (0 ≤ g < n). */
  owner(g: number): number;
  /** The local index of global `g` on its owner. */
  local(g: number): number;
  /** The global index of local index `l` on coordinate `c`. */
  global(c: number, l: number): number;
  /** How many indices coordinate `c` owns. */
  count(c: number): number;
  /** How many indices below `g` (0 ≤ g ≤ n) coordinate `c` owns. */
  countBefore(c: number, g: number): number;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

function contiguousLayout(n: number, p: number, dist: Distribution, starts: (c: number) => number, owner: (g: number) => number): DimLayout {
  return {
    n,
    p,
    dist,
    contiguous: true,
    owner,
    local: (g) => g - starts(owner(g)),
    global: (c, l) => starts(c) + l,
    count: (c) => starts(c + 1) - starts(c),
    countBefore: (c, g) => Math.min(Math.max(g - starts(c), 0), starts(c + 1) - starts(c)),
  };
}

function blockCyclicLayout(n: number, p: number, b: number, dist: Distribution): DimLayout {
  const blocks = Math.ceil(n / b);
  const countBefore = (c: number, g: number): number => {
    const full = floorDiv(g, b);
    const ownedBlocks = full > c ? floorDiv(full - 1 - c, p) + 1 : 0;
    return ownedBlocks * b + (full % p === c ? g - full * b : 0);
  };
  return {
    n,
    p,
    dist,
    contiguous: p === 1 || blocks <= 1,
    owner: (g) => floorDiv(g, b) % p,
    local: (g) => {
      const k = floorDiv(g, b);
      return floorDiv(k, p) * b + (g - k * b);
    },
    global: (c, l) => {
      const kLocal = floorDiv(l, b);
      return (kLocal * p + c) * b + (l - kLocal * b);
    },
    count: (c) => countBefore(c, n),
    countBefore,
  };
}

function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * The layout of a dimension of length `n` over `p` coordinates.
 * @throws InvalidArgumentError when `dist` is not one of the four forms, a block size is not an
 * integer ≥ 1, or explicit sizes are not `p` non-negative integers summing to `n` (`what` names
 * the dimension in the message).
 */
export function dimLayout(n: number, p: number, dist: unknown, what: string): DimLayout {
  if (dist === 'block') {
    return contiguousLayout(n, p, dist, (c) => blockStart(c, n, p), (g) => blockOwner(g, n, p));
  }
  if (dist === 'cyclic') return blockCyclicLayout(n, p, 1, dist);
  if (typeof dist === 'object' && dist !== null && !Array.isArray(dist)) {
    const keys = Object.keys(dist);
    if (keys.length === 1 && keys[0] === 'blockCyclic') {
      const b = checkCount((dist as { blockCyclic: unknown }).blockCyclic, `${what}: the block size of blockCyclic`, 1);
      return blockCyclicLayout(n, p, b, { blockCyclic: b });
    }
    if (keys.length === 1 && keys[0] === 'sizes') {
      const sizes = (dist as { sizes: unknown }).sizes;
      if (!Array.isArray(sizes) || sizes.length !== p) {
        throw new InvalidArgumentError(
          `${what}: sizes must be an array of ${p} block sizes (one per grid coordinate), got ${describeValue(sizes)}`,
        );
      }
      const starts = new Float64Array(p + 1);
      sizes.forEach((s, c) => (starts[c + 1] = starts[c] + checkCount(s, `${what}: sizes[${c}]`, 0)));
      if (starts[p] !== n) throw new InvalidArgumentError(`${what}: sizes add up to ${starts[p]}, but the dimension has ${n}`);
      const owner = (g: number): number => {
        // The last coordinate whose block starts at or below g: the next one starts above g, so
        // its block is not empty and holds g.
        let lo = 0;
        let hi = p - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (starts[mid] <= g) lo = mid;
          else hi = mid - 1;
        }
        return lo;
      };
      return contiguousLayout(n, p, { sizes: Array.from(sizes as number[]) }, (c) => starts[c], owner);
    }
  }
  throw new InvalidArgumentError(
    `${what}: a distribution is 'block', 'cyclic', { blockCyclic: b } or { sizes: [...] }, got ${describeValue(dist)}`,
  );
}
