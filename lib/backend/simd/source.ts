/**
 * The text (WebAssembly text format) of symtune's SIMD kernel module: single-loop element-wise
 * kernels that work in place on tfjs's wasm heap, which the module imports as its memory.
 * Each replaces an ONNX graph whose every node was a separate pass over memory (the GELU
 * gradient was 15). `scripts/build-simd.ts` assembles it to kernels.wasm (committed; a test
 * checks the two agree), lib/backend/simd/module.ts instantiates it.
 *
 * Pointers are byte offsets into the heap; sizes count floats. Row kernels need a width that
 * is a multiple of 4 (callers fall back otherwise); xent and adamw take any size.
 */

const GELU_K = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;
const K2 = 2 * GELU_K;
const f4 = (x: number) => {
  const t = x === -Infinity ? "-inf" : String(x);
  return `(v128.const f32x4 ${t} ${t} ${t} ${t})`;
};

/**
 * e^x lane-wise, Cephes expf (relative error ~1e-7 on [-87, 88]): x = n·ln2 + r, a degree-6
 * polynomial for e^r, 2^n built in the exponent bits (n rounded with the 1.5·2²³ trick, which
 * costs two adds where nearest + trunc_sat cost ~8 instructions on x86). Below -87 the result is 0 (a masked score
 * gives exactly 0, as tfjs's exp underflows to); above 88 it is clamped. NaN stays NaN.
 */
const EXP = `
  (func $exp (param $x v128) (result v128)
    (local $c v128) (local $t v128) (local $n v128) (local $r v128) (local $p v128)
    (local.set $c (f32x4.pmin (f32x4.pmax (local.get $x) ${f4(-87)}) ${f4(88)}))
    ;; t = x·log2e + 1.5·2²³ rounds to an integer n held in t's low mantissa bits
    (local.set $t (f32x4.add (f32x4.mul (local.get $c) ${f4(1.44269504088896341)}) ${f4(12582912)}))
    (local.set $n (f32x4.sub (local.get $t) ${f4(12582912)}))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $c) (f32x4.mul (local.get $n) ${f4(0.693359375)}))
                             (f32x4.mul (local.get $n) ${f4(-2.12194440e-4)})))
    (local.set $p ${f4(1.9875691500e-4)})
    ${[1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]
      .map((k) => `(local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) ${f4(k)}))`)
      .join("\n    ")}
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) ${f4(1)}))
    ;; 2ⁿ: (n + 127) into the exponent field (the shift drops the magic number's bits)
    (v128.andnot
      (f32x4.mul (local.get $p) (i32x4.shl (i32x4.add (local.get $t) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (f32x4.lt (local.get $x) ${f4(-87)})))
  (func $sigmoid (param $x v128) (result v128)
    (f32x4.div ${f4(1)} (f32x4.add ${f4(1)} (call $exp (f32x4.neg (local.get $x))))))
  (func $hsum (param $x v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $x)) (f32x4.extract_lane 1 (local.get $x)))
             (f32.add (f32x4.extract_lane 2 (local.get $x)) (f32x4.extract_lane 3 (local.get $x)))))
  (func $hmax (param $x v128) (result f32)
    (f32.max (f32.max (f32x4.extract_lane 0 (local.get $x)) (f32x4.extract_lane 1 (local.get $x)))
             (f32.max (f32x4.extract_lane 2 (local.get $x)) (f32x4.extract_lane 3 (local.get $x)))))
  (func $zero (param $p i32) (param $n i32)
    (memory.fill (local.get $p) (i32.const 0) (i32.shl (local.get $n) (i32.const 2))))`;

/** A loop over byte offset `j` from 0 to `bytes` by 16 (one v128), running `body`. */
const columns = (label: string, bytes: string, body: string) => `
    (local.set $j (i32.const 0))
    (block $${label}_done (loop $${label}
      (br_if $${label}_done (i32.ge_u (local.get $j) ${bytes}))
      ${body}
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $${label})))`;

/** A loop over rows: `body` runs with $i the row number; `advance` moves the row pointers. */
const rows = (body: string, advance: string) => `
    (local.set $i (i32.const 0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $i) (local.get $rows)))
      ${body}
      ${advance}
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))`;

const at = (ptr: string) => `(i32.add (local.get $${ptr}) (local.get $j))`;
const load = (ptr: string) => `(v128.load ${at(ptr)})`;
const bump = (bytes: string, ...ptrs: string[]) => ptrs.map((p) => `(local.set $${p} (i32.add (local.get $${p}) ${bytes}))`).join(" ");

/** a(u) = 2√(2/π)(u + 0.044715u³) written as u·(k2 + k2·c·u²), with u² given. */
const gate = (u: string, u2: string) => `(f32x4.mul ${u} (f32x4.add ${f4(K2)} (f32x4.mul ${f4(K2 * GELU_C)} ${u2})))`;

/** DH = DY·gelu′(H + B), DB = Σ_rows DH; gelu′ = σ·(1 + u·(1 − σ)·a′(u)), a′ = k2(1 + 3c·u²). */
const GELU_BWD = `
  (func (export "gelu_bwd") (param $h i32) (param $b i32) (param $dy i32) (param $dh i32) (param $db i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $rb i32) (local $u v128) (local $u2 v128) (local $s v128) (local $g v128)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    (call $zero (local.get $db) (local.get $cols))
    ${rows(columns("col", "(local.get $rb)", `
      (local.set $u (f32x4.add ${load("h")} ${load("b")}))
      (local.set $u2 (f32x4.mul (local.get $u) (local.get $u)))
      (local.set $s (call $sigmoid ${gate("(local.get $u)", "(local.get $u2)")}))
      (local.set $g (f32x4.mul ${load("dy")} (f32x4.mul (local.get $s)
        (f32x4.add ${f4(1)} (f32x4.mul (f32x4.mul (local.get $u) (f32x4.sub ${f4(1)} (local.get $s)))
          (f32x4.add ${f4(K2)} (f32x4.mul ${f4(3 * K2 * GELU_C)} (local.get $u2))))))))
      (v128.store ${at("dh")} (local.get $g))
      (v128.store ${at("db")} (f32x4.add ${load("db")} (local.get $g)))`),
      bump("(local.get $rb)", "h", "dy", "dh"))})`;

/** Y = (X − mean)·rstd·G + B per row of X (rows, cols); MEAN and RSTD (rows) are outputs too. */
const LAYER_NORM_FWD = `
  (func (export "layer_norm_fwd") (param $x i32) (param $g i32) (param $b i32) (param $y i32) (param $mean i32) (param $rstd i32)
        (param $rows i32) (param $cols i32) (param $eps f32)
    (local $i i32) (local $j i32) (local $rb i32) (local $acc v128) (local $d v128) (local $m f32) (local $r f32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    ${rows(`
      (local.set $acc (v128.const i32x4 0 0 0 0))
      ${columns("sum", "(local.get $rb)", `(local.set $acc (f32x4.add (local.get $acc) ${load("x")}))`)}
      (local.set $m (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $cols))))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      ${columns("var", "(local.get $rb)", `
        (local.set $d (f32x4.sub ${load("x")} (f32x4.splat (local.get $m))))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))`)}
      (local.set $r (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (call $hsum (local.get $acc)) (f32.convert_i32_u (local.get $cols))) (local.get $eps)))))
      (f32.store (local.get $mean) (local.get $m))
      (f32.store (local.get $rstd) (local.get $r))
      ${columns("out", "(local.get $rb)", `
        (v128.store ${at("y")} (f32x4.add (f32x4.mul (f32x4.mul (f32x4.sub ${load("x")} (f32x4.splat (local.get $m))) (f32x4.splat (local.get $r))) ${load("g")}) ${load("b")}))`)}`,
      `${bump("(local.get $rb)", "x", "y")} ${bump("(i32.const 4)", "mean", "rstd")}`)})`;

/**
 * DX = rstd·(DY·G − mean(DY·G) − x̂·mean(DY·G·x̂)), DG = Σ_rows DY·x̂, DB = Σ_rows DY, with
 * x̂ = (X − mean)·rstd recomputed from the saved MEAN and RSTD.
 */
const LAYER_NORM_BWD = `
  (func (export "layer_norm_bwd") (param $x i32) (param $g i32) (param $mean i32) (param $rstd i32) (param $dy i32)
        (param $dx i32) (param $dg i32) (param $db i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $rb i32) (local $m v128) (local $r v128) (local $xh v128) (local $gy v128) (local $dyv v128)
    (local $a1 v128) (local $a2 v128) (local $n f32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $n (f32.convert_i32_u (local.get $cols)))
    (call $zero (local.get $dg) (local.get $cols))
    (call $zero (local.get $db) (local.get $cols))
    ${rows(`
      (local.set $m (f32x4.splat (f32.load (local.get $mean))))
      (local.set $r (f32x4.splat (f32.load (local.get $rstd))))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      ${columns("sums", "(local.get $rb)", `
        (local.set $dyv ${load("dy")})
        (local.set $xh (f32x4.mul (f32x4.sub ${load("x")} (local.get $m)) (local.get $r)))
        (local.set $gy (f32x4.mul (local.get $dyv) ${load("g")}))
        (local.set $a1 (f32x4.add (local.get $a1) (local.get $gy)))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $gy) (local.get $xh))))
        (v128.store ${at("dg")} (f32x4.add ${load("dg")} (f32x4.mul (local.get $dyv) (local.get $xh))))
        (v128.store ${at("db")} (f32x4.add ${load("db")} (local.get $dyv)))`)}
      (local.set $a1 (f32x4.splat (f32.div (call $hsum (local.get $a1)) (local.get $n))))
      (local.set $a2 (f32x4.splat (f32.div (call $hsum (local.get $a2)) (local.get $n))))
      ${columns("dx", "(local.get $rb)", `
        (local.set $xh (f32x4.mul (f32x4.sub ${load("x")} (local.get $m)) (local.get $r)))
        (v128.store ${at("dx")} (f32x4.mul (local.get $r)
          (f32x4.sub (f32x4.sub (f32x4.mul ${load("dy")} ${load("g")}) (local.get $a1)) (f32x4.mul (local.get $xh) (local.get $a2)))))`)}`,
      `${bump("(local.get $rb)", "x", "dy", "dx")} ${bump("(i32.const 4)", "mean", "rstd")}`)})`;

/**
 * Softmax cross-entropy, forward and backward in one pass per row of logits L (rows, cols):
 * STATS[i] = (max, Σ e^(L − max)) for the caller's loss (it takes the log), and
 * DL = W[i]·(softmax(L[i]) − onehot(T[i])): the gradient of Σᵢ W[i]·nllᵢ. Any width: the last
 * partial vector is done as an overlapping one, its repeated lanes masked out of the sum.
 * Rows with a target outside [0, cols) must have W = 0 (the caller's job).
 */
const XENT = `
  (func (export "xent") (param $l i32) (param $t i32) (param $w i32) (param $dl i32) (param $stats i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $rb i32) (local $full i32) (local $last i32) (local $tailMask v128)
    (local $mx v128) (local $acc v128) (local $e v128) (local $m f32) (local $k f32) (local $wi f32) (local $ti i32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $full (i32.and (local.get $rb) (i32.const -16)))
    (local.set $last (i32.sub (local.get $rb) (i32.const 16)))
    ;; lanes of the overlapping last vector that the full vectors did not cover: the top (cols mod 4)
    (local.set $tailMask (i8x16.gt_u
      (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
      (i8x16.splat (i32.sub (i32.const 15) (i32.and (local.get $rb) (i32.const 15))))))
    ${rows(`
      (local.set $mx ${f4(-Infinity)})
      ${columns("max", "(local.get $full)", `(local.set $mx (f32x4.max (local.get $mx) ${load("l")}))`)}
      (if (i32.and (local.get $rb) (i32.const 15)) (then
        (local.set $mx (f32x4.max (local.get $mx) (v128.load (i32.add (local.get $l) (local.get $last)))))))
      (local.set $m (call $hmax (local.get $mx)))
      (local.set $mx (f32x4.splat (local.get $m)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      ${columns("exp", "(local.get $full)", `
        (local.set $e (call $exp (f32x4.sub ${load("l")} (local.get $mx))))
        (v128.store ${at("dl")} (local.get $e))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $e)))`)}
      (if (i32.and (local.get $rb) (i32.const 15)) (then
        (local.set $e (call $exp (f32x4.sub (v128.load (i32.add (local.get $l) (local.get $last))) (local.get $mx))))
        (v128.store (i32.add (local.get $dl) (local.get $last)) (local.get $e))
        (local.set $acc (f32x4.add (local.get $acc) (v128.and (local.get $e) (local.get $tailMask))))))
      (local.set $k (call $hsum (local.get $acc)))
      (f32.store (local.get $stats) (local.get $m))
      (f32.store offset=4 (local.get $stats) (local.get $k))
      (local.set $wi (f32.load (local.get $w)))
      (local.set $e (f32x4.splat (f32.div (local.get $wi) (local.get $k))))
      ${columns("scale", "(local.get $full)", `(v128.store ${at("dl")} (f32x4.mul ${load("dl")} (local.get $e)))`)}
      (local.set $j (local.get $full))
      (block $tail_done (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $j) (local.get $rb)))
        (f32.store ${at("dl")} (f32.mul (f32.load ${at("dl")}) (f32x4.extract_lane 0 (local.get $e))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $tail)))
      (local.set $ti (i32.load (local.get $t)))
      (if (i32.lt_u (local.get $ti) (local.get $cols)) (then
        (local.set $j (i32.shl (local.get $ti) (i32.const 2)))
        (f32.store ${at("dl")} (f32.sub (f32.load ${at("dl")}) (local.get $wi)))))`,
      `${bump("(local.get $rb)", "l", "dl")} ${bump("(i32.const 4)", "t", "w")} ${bump("(i32.const 8)", "stats")}`)})`;

/**
 * AdamW over n floats (n ≥ 4; the last partial vector is an overlapping one, harmless because
 * outputs are separate arrays): M′ = β₁M + (1 − β₁)G, V′ = β₂V + (1 − β₂)G²,
 * P′ = P·keep − lrc·M′/(√(V′·ic2) + ε), with lrc = lr/c₁ and ic2 = 1/c₂.
 */
const ADAMW = `
  (func (export "adamw") (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $p2 i32) (param $m2 i32) (param $v2 i32)
        (param $n i32) (param $lrc f32) (param $b1 f32) (param $b2 f32) (param $eps f32) (param $ic2 f32) (param $keep f32)
    (local $j i32) (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done (loop $chunk
      (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
      (if (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $end)) (then (local.set $j (i32.sub (local.get $end) (i32.const 16)))))
      (local.set $gv ${load("g")})
      (local.set $mv (f32x4.add (f32x4.mul (f32x4.splat (local.get $b1)) ${load("m")})
                                (f32x4.mul (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))) (local.get $gv))))
      (local.set $vv (f32x4.add (f32x4.mul (f32x4.splat (local.get $b2)) ${load("v")})
                                (f32x4.mul (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))) (f32x4.mul (local.get $gv) (local.get $gv)))))
      (v128.store ${at("m2")} (local.get $mv))
      (v128.store ${at("v2")} (local.get $vv))
      (v128.store ${at("p2")} (f32x4.sub (f32x4.mul ${load("p")} (f32x4.splat (local.get $keep)))
        (f32x4.div (f32x4.mul (f32x4.splat (local.get $lrc)) (local.get $mv))
                   (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (f32x4.splat (local.get $ic2)))) (f32x4.splat (local.get $eps))))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $chunk))))`;

/** DST (cols) = Σ_rows SRC (rows, cols): the bias and position gradients' reduction over the leading axes. */
const SUM_ROWS = `
  (func (export "sum_rows") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $rb i32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    (call $zero (local.get $dst) (local.get $cols))
    ${rows(columns("col", "(local.get $rb)", `(v128.store ${at("dst")} (f32x4.add ${load("dst")} ${load("src")}))`), bump("(local.get $rb)", "src"))})`;

/**
 * DST (segments, cols) = Σ SRC rows by segment id IDS (rows, int32): the embedding gradient.
 * Ids outside [0, segments) are dropped.
 */
const SEGMENT_SUM = `
  (func (export "segment_sum") (param $src i32) (param $ids i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $segments i32)
    (local $i i32) (local $j i32) (local $rb i32) (local $s i32) (local $to i32)
    (local.set $rb (i32.shl (local.get $cols) (i32.const 2)))
    (call $zero (local.get $dst) (i32.mul (local.get $segments) (local.get $cols)))
    ${rows(`
      (local.set $s (i32.load (local.get $ids)))
      (if (i32.lt_u (local.get $s) (local.get $segments)) (then
        (local.set $to (i32.add (local.get $dst) (i32.mul (local.get $s) (local.get $rb))))
        ${columns("col", "(local.get $rb)", `(v128.store ${at("to")} (f32x4.add ${load("to")} ${load("src")}))`)}))`,
      `${bump("(local.get $rb)", "src")} ${bump("(i32.const 4)", "ids")}`)})`;

export function simdModuleText(): string {
  return `(module
  (import "env" "memory" (memory 1))
${EXP}
${GELU_BWD}
${LAYER_NORM_FWD}
${LAYER_NORM_BWD}
${XENT}
${ADAMW}
${SUM_ROWS}
${SEGMENT_SUM}
)
`;
}
