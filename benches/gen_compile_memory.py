"""Writes a generated PBS source of at least N bytes, for measuring compile memory and time.

Usage: python3 benches/gen_compile_memory.py N OUT.pbs

The source holds one struct with a method, 50 structs, 50 globals, as many small functions
as it takes to reach N bytes (each with a `let`, an `if`, a struct literal, a method call and
a string method), and a `main`. See docs/performance.md#compile-memory.
"""

import sys


def main():
    target, out = int(sys.argv[1]), sys.argv[2]
    parts = [
        "declare struct P(x: int, y: int) {\n    fn sum(): int { return this.x + this.y; }\n}\n"
    ]
    for k in range(50):
        parts.append(f"declare struct S{k}(a: int, b: float, c: string);\n")
        parts.append(f"declare global g{k}: int = {k};\n")
    size = sum(map(len, parts))
    count = 0
    while size < target:
        body = (
            f"fn f{count}(a: int, b: int): int {{\n"
            f"    let c = a * {count} + b;\n"
            "    if c > 10 {\n        c = c - 3;\n    }\n"
            "    let p = new P(a, c);\n"
            "    return p.sum() + str(c).len();\n}\n"
        )
        parts.append(body)
        size += len(body)
        count += 1
    parts.append("fn main() {\n    print(f1(1, 2));\n}\n")
    with open(out, "w") as f:
        f.write("".join(parts))
    print(f"{count} functions, {size} bytes")


if __name__ == "__main__":
    main()
