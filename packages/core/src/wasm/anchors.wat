;; Teddy-style anchor finder (after Hyperscan's Teddy and Rust aho-corasick `packed::teddy`), WebAssembly SIMD.
;;
;; Literals are planned into 8 or 16 buckets; 16 as two sets of 8 ("fat Teddy" in 128-bit vectors: AVX2's fat
;; Teddy holds the two sets in the halves of one 256-bit register; here they are two 128-bit look-ups of the
;; same bytes, done only when the plan is wide). For every 16-byte block at i, the bytes at i, i+1 and i+2 are
;; split into nibbles and looked up (swizzle) in six 16-byte tables per set; ANDing one set's look-ups leaves,
;; per lane p, a byte whose bit b says "the first three bytes at p may start a literal of bucket b (8 + b)".
;; Only whether a lane has a bit set matters: the two sets' bytes are ORed. Two blocks (32 bytes) share one
;; branch; when neither has a bit set (most of clean code) they cost ~100 x64 instructions with one set, ~2x
;; with two. A candidate lane's 3 bytes, upper-cased, are then looked up in a hash table of the literals' first
;; 3 bytes (most false candidates stop there, after one probe), and the literals of the group found are
;; verified exactly, 8 bytes at a time. Verification is inlined in the scan loop: a call would clobber the
;; vector registers that hold the tables. (On x64, V8 adds a saturating add to every i8x16.swizzle for
;; out-of-range indices. scripts/gen-wasm.mjs also assembles this text with every swizzle as i8x16.relaxed_swizzle,
;; which is a bare pshufb; teddy-finder.ts runs that build where the runtime validates it: V8 11.4+, Node 22.)
;;
;; Everything the scan needs is written into linear memory by JS (teddy.ts, `encodeTeddyConfig`):
;;   0..95     buckets 0-7: nibble tables lo0 hi0 lo1 hi1 lo2 hi2 (16 bytes each; bit b = bucket b)
;;   96..191   buckets 8-15, the same way (bit b = bucket 8 + b)
;;   192..255  unused
;;   256..2303 hash table, 256 slots of (key i32, group i32): key = first 3 bytes & 0xdfdfdf (little-endian),
;;             slot = (key * 0x9e3779b1) >>> 24, linear probing; group -1 marks an empty slot
;;   2304..    group g's literals are list[start[g] .. start[g+1]) (up to 129 x i32)
;;   2824..    list: i32 addresses of literal records (up to 128)
;;   3336..3591 byte classes of the assignment gate (generic.ts's CLASS: 1 name, 2 value, 4 blank, 8 quote)
;;   records   8-aligned: len i32, id i32, words i32, gate i32, then words x (mask i64, value i64): the literal
;;             matches at p when (load64(p + 8w) & mask) == value for every word (letters compare with 0x20
;;             masked off, so ASCII case is ignored; bytes past the literal have mask 0). gate: 0, or bit 0 for
;;             a keyword only the generic rules use, bit 1 when it may be an auth scheme word, bits 8-15 the
;;             shortest value its rules take.
;;
;; The assignment gate: a gated keyword's hit is kept only when what follows could pass generic.ts's
;; matchAssignment (the rest of a name, an operator, a long enough value); most keywords in code sit in
;; calls, types and prose, and each hit handed to JS costs a call into the interpreter early in a scan. It
;; checks a subset of what matchAssignment does, in the same order, and keeps the hit wherever it would
;; read past $n (a chunk's end: JS then sees the whole input).
;;
;; Hits are i64 keys (end << 32 | id) appended to an output array, then sorted, so that JS reads them in the
;; order the JS automaton reports them: by end offset, then by anchor id.
(module
  (memory (export "memory") 1)

  ;; Where the last scan stopped: its `limit`, or an earlier block start when the output filled up.
  (global $resume (export "resume") (mut i32) (i32.const 0))

  ;; Insertion sort of the i64 keys out[0 .. count): the hits arrive nearly sorted (by start, not end).
  (func $sort (param $out i32) (param $count i32)
    (local $i i32) (local $j i32) (local $key i64) (local $prev i64)
    (local.set $i (i32.const 1))
    (block $sorted
      (loop $next_key
        (br_if $sorted (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $j (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $key (i64.load (local.get $j)))
        (if (i64.gt_u (i64.load (i32.sub (local.get $j) (i32.const 8))) (local.get $key))
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

  ;; Scans candidate starts [$from, $limit) of the input at $in (verification sees bytes [0, $n), and at least 40
  ;; readable bytes must follow $in + $n). Appends hits to out[$count ..], stopping at a double-block start once
  ;; the count exceeds $stop_at (so 32 positions' hits always fit); sorts out[0 .. count) and returns the count.
  ;; $wide: 1 when the plan uses buckets 8-15 (tables at 96..191), else 0.
  (func (export "scan") (param $in i32) (param $n i32) (param $from i32) (param $limit i32) (param $out i32)
    (param $count i32) (param $stop_at i32) (param $wide i32) (result i32)
    (local $lo0a v128) (local $hi0a v128) (local $lo1a v128) (local $hi1a v128) (local $lo2a v128) (local $hi2a v128)
    (local $lo0b v128) (local $hi0b v128) (local $lo1b v128) (local $hi1b v128) (local $lo2b v128) (local $hi2b v128)
    (local $nib v128) (local $v v128) (local $mb v128) (local $l v128) (local $h v128)
    (local $m v128) (local $m2 v128)
    (local $i i32) (local $a i32) (local $lanes i32) (local $p i32)
    (local $key i32) (local $q i32) (local $g i32) (local $k i32) (local $kend i32) (local $rec i32) (local $r i32)
    (local $w i32) (local $end i32) (local $flags i32) (local $j i32) (local $c i32) (local $lim i32) (local $vs i32)
    (local.set $lo0a (v128.load (i32.const 0)))
    (local.set $hi0a (v128.load (i32.const 16)))
    (local.set $lo1a (v128.load (i32.const 32)))
    (local.set $hi1a (v128.load (i32.const 48)))
    (local.set $lo2a (v128.load (i32.const 64)))
    (local.set $hi2a (v128.load (i32.const 80)))
    (local.set $lo0b (v128.load (i32.const 96)))
    (local.set $hi0b (v128.load (i32.const 112)))
    (local.set $lo1b (v128.load (i32.const 128)))
    (local.set $hi1b (v128.load (i32.const 144)))
    (local.set $lo2b (v128.load (i32.const 160)))
    (local.set $hi2b (v128.load (i32.const 176)))
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
        ;; A wide plan (16 buckets) looks up both sets of tables with the same nibbles: each of the six loads
        ;; is split once, not once a set (measured on the worktree bench's text: see bench/README).
        (if (local.get $wide)
          (then
            (local.set $v (v128.load (local.get $a)))
            (local.set $l (v128.and (local.get $v) (local.get $nib)))
            (local.set $h (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))
            (local.set $m (v128.and (i8x16.swizzle (local.get $lo0a) (local.get $l)) (i8x16.swizzle (local.get $hi0a) (local.get $h))))
            (local.set $mb (v128.and (i8x16.swizzle (local.get $lo0b) (local.get $l)) (i8x16.swizzle (local.get $hi0b) (local.get $h))))
            (local.set $v (v128.load offset=1 (local.get $a)))
            (local.set $l (v128.and (local.get $v) (local.get $nib)))
            (local.set $h (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))
            (local.set $m (v128.and (local.get $m) (v128.and (i8x16.swizzle (local.get $lo1a) (local.get $l)) (i8x16.swizzle (local.get $hi1a) (local.get $h)))))
            (local.set $mb (v128.and (local.get $mb) (v128.and (i8x16.swizzle (local.get $lo1b) (local.get $l)) (i8x16.swizzle (local.get $hi1b) (local.get $h)))))
            (local.set $v (v128.load offset=2 (local.get $a)))
            (local.set $l (v128.and (local.get $v) (local.get $nib)))
            (local.set $h (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))
            (local.set $m (v128.and (local.get $m) (v128.and (i8x16.swizzle (local.get $lo2a) (local.get $l)) (i8x16.swizzle (local.get $hi2a) (local.get $h)))))
            (local.set $mb (v128.and (local.get $mb) (v128.and (i8x16.swizzle (local.get $lo2b) (local.get $l)) (i8x16.swizzle (local.get $hi2b) (local.get $h)))))
            (local.set $m (v128.or (local.get $m) (local.get $mb)))
            (local.set $v (v128.load offset=16 (local.get $a)))
            (local.set $l (v128.and (local.get $v) (local.get $nib)))
            (local.set $h (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))
            (local.set $m2 (v128.and (i8x16.swizzle (local.get $lo0a) (local.get $l)) (i8x16.swizzle (local.get $hi0a) (local.get $h))))
            (local.set $mb (v128.and (i8x16.swizzle (local.get $lo0b) (local.get $l)) (i8x16.swizzle (local.get $hi0b) (local.get $h))))
            (local.set $v (v128.load offset=17 (local.get $a)))
            (local.set $l (v128.and (local.get $v) (local.get $nib)))
            (local.set $h (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))
            (local.set $m2 (v128.and (local.get $m2) (v128.and (i8x16.swizzle (local.get $lo1a) (local.get $l)) (i8x16.swizzle (local.get $hi1a) (local.get $h)))))
            (local.set $mb (v128.and (local.get $mb) (v128.and (i8x16.swizzle (local.get $lo1b) (local.get $l)) (i8x16.swizzle (local.get $hi1b) (local.get $h)))))
            (local.set $v (v128.load offset=18 (local.get $a)))
            (local.set $l (v128.and (local.get $v) (local.get $nib)))
            (local.set $h (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))
            (local.set $m2 (v128.and (local.get $m2) (v128.and (i8x16.swizzle (local.get $lo2a) (local.get $l)) (i8x16.swizzle (local.get $hi2a) (local.get $h)))))
            (local.set $mb (v128.and (local.get $mb) (v128.and (i8x16.swizzle (local.get $lo2b) (local.get $l)) (i8x16.swizzle (local.get $hi2b) (local.get $h)))))
            (local.set $m2 (v128.or (local.get $m2) (local.get $mb)))
          )
          (else
            ;; Block at i, buckets 0-7. The high nibble is (v >> 4) & 15 with a 16-bit shift: one instruction on x64.
            (local.set $v (v128.load (local.get $a)))
            (local.set $m
              (v128.and
                (i8x16.swizzle (local.get $lo0a) (v128.and (local.get $v) (local.get $nib)))
                (i8x16.swizzle (local.get $hi0a) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
            (local.set $v (v128.load offset=1 (local.get $a)))
            (local.set $m
              (v128.and (local.get $m)
                (v128.and
                  (i8x16.swizzle (local.get $lo1a) (v128.and (local.get $v) (local.get $nib)))
                  (i8x16.swizzle (local.get $hi1a) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
            (local.set $v (v128.load offset=2 (local.get $a)))
            (local.set $m
              (v128.and (local.get $m)
                (v128.and
                  (i8x16.swizzle (local.get $lo2a) (v128.and (local.get $v) (local.get $nib)))
                  (i8x16.swizzle (local.get $hi2a) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
            ;; Block at i + 16.
            (local.set $v (v128.load offset=16 (local.get $a)))
            (local.set $m2
              (v128.and
                (i8x16.swizzle (local.get $lo0a) (v128.and (local.get $v) (local.get $nib)))
                (i8x16.swizzle (local.get $hi0a) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib)))))
            (local.set $v (v128.load offset=17 (local.get $a)))
            (local.set $m2
              (v128.and (local.get $m2)
                (v128.and
                  (i8x16.swizzle (local.get $lo1a) (v128.and (local.get $v) (local.get $nib)))
                  (i8x16.swizzle (local.get $hi1a) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
            (local.set $v (v128.load offset=18 (local.get $a)))
            (local.set $m2
              (v128.and (local.get $m2)
                (v128.and
                  (i8x16.swizzle (local.get $lo2a) (v128.and (local.get $v) (local.get $nib)))
                  (i8x16.swizzle (local.get $hi2a) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $nib))))))
          ))
        (if (v128.any_true (v128.or (local.get $m) (local.get $m2)))
          (then
            ;; One bit per candidate lane of the 32, lowest first.
            (local.set $lanes
              (i32.or
                (i8x16.bitmask (i8x16.ne (local.get $m) (v128.const i64x2 0 0)))
                (i32.shl (i8x16.bitmask (i8x16.ne (local.get $m2) (v128.const i64x2 0 0))) (i32.const 16))))
            (block $candidates_done
              (loop $each_lane
                (local.set $p (i32.add (local.get $i) (i32.ctz (local.get $lanes))))
                ;; Lanes only grow from here: past the limit, this double block is done.
                (br_if $candidates_done (i32.ge_u (local.get $p) (local.get $limit)))
                (local.set $lanes (i32.and (local.get $lanes) (i32.sub (local.get $lanes) (i32.const 1))))
                ;; Which literals start with these 3 bytes (upper-cased)? Open addressing on a 256-slot table.
                (local.set $key (i32.and (i32.load (i32.add (local.get $in) (local.get $p))) (i32.const 0xdfdfdf)))
                (local.set $q (i32.shr_u (i32.mul (local.get $key) (i32.const 0x9e3779b1)) (i32.const 24)))
                (block $no_group
                  (loop $probe
                    (local.set $g (i32.load offset=260 (i32.shl (local.get $q) (i32.const 3))))
                    (br_if $no_group (i32.lt_s (local.get $g) (i32.const 0)))
                    (if (i32.ne (i32.load offset=256 (i32.shl (local.get $q) (i32.const 3))) (local.get $key))
                      (then
                        (local.set $q (i32.and (i32.add (local.get $q) (i32.const 1)) (i32.const 255)))
                        (br $probe))))
                  ;; Verify every literal of the group.
                  (local.set $k (i32.load offset=2304 (i32.shl (local.get $g) (i32.const 2))))
                  (local.set $kend (i32.load offset=2308 (i32.shl (local.get $g) (i32.const 2))))
                  (loop $literals
                    (local.set $rec (i32.load offset=2824 (i32.shl (local.get $k) (i32.const 2))))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (local.set $end (i32.add (local.get $p) (i32.load (local.get $rec))))
                    (if (i32.le_u (local.get $end) (local.get $n))
                      (then
                        (local.set $a (i32.add (local.get $in) (local.get $p)))
                        (local.set $w (i32.load offset=8 (local.get $rec)))
                        (local.set $r (local.get $rec))
                        (block $mismatch
                          (loop $words
                            (br_if $mismatch
                              (i64.ne
                                (i64.and (i64.load (local.get $a)) (i64.load offset=16 (local.get $r)))
                                (i64.load offset=24 (local.get $r))))
                            (local.set $a (i32.add (local.get $a) (i32.const 8)))
                            (local.set $r (i32.add (local.get $r) (i32.const 16)))
                            (local.set $w (i32.sub (local.get $w) (i32.const 1)))
                            (br_if $words (local.get $w)))
                          ;; A keyword of the generic rules only: kept if an assignment may follow (see below).
                          (local.set $flags (i32.load offset=12 (local.get $rec)))
                          (if (i32.and (local.get $flags) (i32.const 1))
                            (then
                              (block $keep
                                ;; The rest of the name: [A-Za-z0-9_.-], at most 80 bytes past the keyword.
                                (local.set $j (local.get $end))
                                (local.set $lim (i32.add (local.get $end) (i32.const 80)))
                                (loop $name
                                  (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                  (local.set $c (i32.load8_u offset=3336
                                    (i32.load8_u (i32.add (local.get $in) (local.get $j)))))
                                  (if (i32.and (i32.and (local.get $c) (i32.const 1)) (i32.lt_u (local.get $j) (local.get $lim)))
                                    (then
                                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                                      (br $name))))
                                ;; `Bearer <token>`: a blank after a name that may be an auth scheme word.
                                (br_if $keep
                                  (i32.and (i32.ne (i32.and (local.get $c) (i32.const 4)) (i32.const 0))
                                    (i32.ne (i32.and (local.get $flags) (i32.const 2)) (i32.const 0))))
                                ;; A closing quote, then a bracket (`"api_key": `, `env['KEY'] = `), then blanks.
                                (if (i32.and (local.get $c) (i32.const 8))
                                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                                (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                (if (i32.eq (i32.load8_u (i32.add (local.get $in) (local.get $j))) (i32.const 0x5d))
                                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                                (loop $blanks
                                  (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                  (local.set $c (i32.load8_u (i32.add (local.get $in) (local.get $j))))
                                  (if (i32.and (i32.load8_u offset=3336 (local.get $c)) (i32.const 4))
                                    (then
                                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                                      (br $blanks))))
                                ;; The operator: `:` or `:=`, `=` or `=>`; not `::` or `==`.
                                (br_if $mismatch
                                  (i32.and (i32.ne (local.get $c) (i32.const 0x3a)) (i32.ne (local.get $c) (i32.const 0x3d))))
                                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                                (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                (local.set $vs (i32.load8_u (i32.add (local.get $in) (local.get $j))))
                                (br_if $mismatch (i32.eq (local.get $vs) (local.get $c)))
                                (if (i32.or
                                      (i32.and (i32.eq (local.get $c) (i32.const 0x3a)) (i32.eq (local.get $vs) (i32.const 0x3d)))
                                      (i32.and (i32.eq (local.get $c) (i32.const 0x3d)) (i32.eq (local.get $vs) (i32.const 0x3e))))
                                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                                ;; The value: blanks, an opening quote, then at least the shortest value's length
                                ;; of token bytes; or a word and a blank, which may be an auth scheme.
                                (local.set $lim (i32.shr_u (i32.and (local.get $flags) (i32.const 0xff00)) (i32.const 8)))
                                (br_if $keep (i32.eqz (local.get $lim)))
                                (loop $blanks2
                                  (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                  (local.set $c (i32.load8_u offset=3336
                                    (i32.load8_u (i32.add (local.get $in) (local.get $j)))))
                                  (if (i32.and (local.get $c) (i32.const 4))
                                    (then
                                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                                      (br $blanks2))))
                                (if (i32.and (local.get $c) (i32.const 8))
                                  (then (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                                (local.set $vs (local.get $j))
                                (local.set $lim (i32.add (local.get $j) (local.get $lim)))
                                (loop $value
                                  (br_if $keep (i32.ge_u (local.get $j) (local.get $lim)))
                                  (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                  (if (i32.and (i32.load8_u offset=3336
                                        (i32.load8_u (i32.add (local.get $in) (local.get $j)))) (i32.const 2))
                                    (then
                                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                                      (br $value))))
                                (local.set $j (local.get $vs))
                                (loop $word
                                  (br_if $keep (i32.ge_u (local.get $j) (local.get $n)))
                                  (local.set $c (i32.load8_u offset=3336
                                    (i32.load8_u (i32.add (local.get $in) (local.get $j)))))
                                  (if (i32.and (local.get $c) (i32.const 1))
                                    (then
                                      (local.set $j (i32.add (local.get $j) (i32.const 1)))
                                      (br $word))))
                                (br_if $keep (i32.and (i32.gt_u (local.get $j) (local.get $vs)) (i32.shr_u (i32.and (local.get $c) (i32.const 4)) (i32.const 2))))
                                (br $mismatch))))
                          (i64.store
                            (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 3)))
                            (i64.or
                              (i64.shl (i64.extend_i32_u (local.get $end)) (i64.const 32))
                              (i64.extend_i32_u (i32.load offset=4 (local.get $rec)))))
                          (local.set $count (i32.add (local.get $count) (i32.const 1))))))
                    (br_if $literals (i32.lt_u (local.get $k) (local.get $kend)))))
                (br_if $each_lane (local.get $lanes))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $blocks)))
    (call $sort (local.get $out) (local.get $count))
    (local.get $count))
)
