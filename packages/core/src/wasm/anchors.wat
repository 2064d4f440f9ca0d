;; Teddy-style anchor finder (after Hyperscan's Teddy and Rust aho-corasick `packed::teddy`), WebAssembly SIMD.
;;
;; For every 16-byte block at i, the bytes at i, i+1 and i+2 are split into nibbles and looked up (swizzle) in
;; six 16-byte tables; ANDing the lookups leaves, per lane p, a byte whose bit b says "the first three bytes at p
;; may start a literal of bucket b". Blocks with no bit set (most of clean code) cost ~20 SIMD instructions.
;; Candidate lanes are verified exactly, 8 bytes at a time, against every literal of their buckets.
;;
;; Everything the scan needs is written into linear memory by JS (teddy.ts, `encodeTeddyConfig`):
;;   0..95     nibble tables lo0 hi0 lo1 hi1 lo2 hi2 (16 bytes each; bit b = bucket b)
;;   96..131   bucket b's literals are list[start[b] .. start[b+1]) (9 x i32)
;;   136..     list: i32 addresses of literal records
;;   records   8-aligned: len i32, id i32, words i32, pad i32, then words x (mask i64, value i64): the literal
;;             matches at p when (load64(p + 8w) & mask) == value for every word (letters compare with 0x20
;;             masked off, so ASCII case is ignored; bytes past the literal have mask 0).
;;
;; Hits are i64 keys (end << 32 | id) appended to an output array, then sorted, so that JS reads them in the
;; order the JS automaton reports them: by end offset, then by anchor id.
(module
  (memory (export "memory") 1)

  ;; Where the last scan stopped: its `limit`, or an earlier block start when the output filled up.
  (global $resume (export "resume") (mut i32) (i32.const 0))

  ;; Verifies the literals of the buckets in $bits at start $p; appends hits; returns the new hit count.
  (func $verify (param $in i32) (param $n i32) (param $p i32) (param $bits i32) (param $out i32) (param $count i32)
    (result i32)
    (local $k i32) (local $kend i32) (local $rec i32) (local $w i32) (local $a i32) (local $end i32) (local $q i32)
    (block $no_bucket_left
      (loop $buckets
        (br_if $no_bucket_left (i32.eqz (local.get $bits)))
        (local.set $q (i32.shl (i32.ctz (local.get $bits)) (i32.const 2)))
        (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
        (local.set $k (i32.load offset=96 (local.get $q)))
        (local.set $kend (i32.load offset=100 (local.get $q)))
        (block $no_literal_left
          (loop $literals
            (br_if $no_literal_left (i32.ge_u (local.get $k) (local.get $kend)))
            (local.set $rec (i32.load offset=136 (i32.shl (local.get $k) (i32.const 2))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $end (i32.add (local.get $p) (i32.load (local.get $rec))))
            (br_if $literals (i32.gt_u (local.get $end) (local.get $n)))
            (local.set $a (i32.add (local.get $in) (local.get $p)))
            (local.set $w (i32.load offset=8 (local.get $rec)))
            (local.set $q (local.get $rec))
            (block $mismatch
              (loop $words
                (br_if $mismatch
                  (i64.ne
                    (i64.and (i64.load (local.get $a)) (i64.load offset=16 (local.get $q)))
                    (i64.load offset=24 (local.get $q))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (local.set $w (i32.sub (local.get $w) (i32.const 1)))
                (br_if $words (local.get $w)))
              (i64.store
                (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3)))
                (i64.or
                  (i64.shl (i64.extend_i32_u (local.get $end)) (i64.const 32))
                  (i64.extend_i32_u (i32.load offset=4 (local.get $rec)))))
              (local.set $count (i32.add (local.get $count) (i32.const 1))))
            (br $literals)))
        (br $buckets)))
    (local.get $count))

  ;; Walks the candidate lanes of one 8-lane half ($x: one bucket byte per lane, lane 0 at $base).
  (func $verify_half (param $in i32) (param $n i32) (param $limit i32) (param $base i32) (param $x i64)
    (param $out i32) (param $count i32) (result i32)
    (local $shift i64) (local $p i32)
    (block $done
      (loop $lanes
        (br_if $done (i64.eqz (local.get $x)))
        (local.set $shift (i64.and (i64.ctz (local.get $x)) (i64.const 56)))
        (local.set $p (i32.add (local.get $base) (i32.wrap_i64 (i64.shr_u (local.get $shift) (i64.const 3)))))
        (br_if $done (i32.ge_u (local.get $p) (local.get $limit)))
        (local.set $count
          (call $verify (local.get $in) (local.get $n) (local.get $p)
            (i32.wrap_i64 (i64.and (i64.shr_u (local.get $x) (local.get $shift)) (i64.const 0xff)))
            (local.get $out) (local.get $count)))
        (local.set $x (i64.and (local.get $x) (i64.xor (i64.shl (i64.const 0xff) (local.get $shift)) (i64.const -1))))
        (br $lanes)))
    (local.get $count))

  ;; Insertion sort of the i64 keys out[0 .. count): the hits arrive nearly sorted (by start, not end).
  (func $sort (param $out i32) (param $count i32)
    (local $i i32) (local $j i32) (local $key i64) (local $prev i64)
    (local.set $i (i32.const 1))
    (block $sorted
      (loop $next_key
        (br_if $sorted (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $j (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $key (i64.load (local.get $j)))
        (if (i64.gt_u (i64.load offset=0 (i32.sub (local.get $j) (i32.const 8))) (local.get $key))
          (then
            (block $placed
              (loop $shift_up
                (local.set $prev (i64.load (i32.sub (local.get $j) (i32.const 8))))
                (br_if $placed (i64.le_u (local.get $prev) (local.get $key)))
                (i64.store (local.get $j) (local.get $prev))
                (local.set $j (i32.sub (local.get $j) (i32.const 8)))
                (br_if $shift_up (i32.gt_u (local.get $j) (local.get $out)))))
            (i64.store (local.get $j) (local.get $key))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next_key))))

  ;; Scans candidate starts [$from, $limit) of the input at $in (verification sees bytes [0, $n), and at least 24
  ;; readable bytes must follow $in + $n). Appends hits to out[$count ..], stopping at a block start once the count
  ;; exceeds $stop_at (so a block's worth of hits always fits); sorts out[0 .. count) and returns the count.
  (func (export "scan") (param $in i32) (param $n i32) (param $from i32) (param $limit i32) (param $out i32)
    (param $count i32) (param $stop_at i32) (result i32)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $nib v128) (local $v v128) (local $m v128) (local $i i32) (local $a i32)
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (local.set $nib (i8x16.splat (i32.const 15)))
    (global.set $resume (local.get $limit))
    (local.set $i (local.get $from))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $i) (local.get $limit)))
        (if (i32.gt_u (local.get $count) (local.get $stop_at))
          (then
            (global.set $resume (local.get $i))
            (br $done)))
        (local.set $a (i32.add (local.get $in) (local.get $i)))
        (local.set $v (v128.load (local.get $a)))
        (local.set $m
          (v128.and
            (i8x16.swizzle (local.get $lo0) (v128.and (local.get $v) (local.get $nib)))
            (i8x16.swizzle (local.get $hi0) (i8x16.shr_u (local.get $v) (i32.const 4)))))
        (local.set $v (v128.load offset=1 (local.get $a)))
        (local.set $m
          (v128.and (local.get $m)
            (v128.and
              (i8x16.swizzle (local.get $lo1) (v128.and (local.get $v) (local.get $nib)))
              (i8x16.swizzle (local.get $hi1) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (local.set $v (v128.load offset=2 (local.get $a)))
        (local.set $m
          (v128.and (local.get $m)
            (v128.and
              (i8x16.swizzle (local.get $lo2) (v128.and (local.get $v) (local.get $nib)))
              (i8x16.swizzle (local.get $hi2) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (if (v128.any_true (local.get $m))
          (then
            (local.set $count
              (call $verify_half (local.get $in) (local.get $n) (local.get $limit) (local.get $i)
                (i64x2.extract_lane 0 (local.get $m)) (local.get $out) (local.get $count)))
            (local.set $count
              (call $verify_half (local.get $in) (local.get $n) (local.get $limit)
                (i32.add (local.get $i) (i32.const 8))
                (i64x2.extract_lane 1 (local.get $m)) (local.get $out) (local.get $count)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    (call $sort (local.get $out) (local.get $count))
    (local.get $count))
)
