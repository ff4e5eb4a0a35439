#!/usr/bin/env python3
"""What weighs in a wasm module: code bytes per crate (or per module path), and the largest functions.

Reads the unstripped module cargo leaves in the wasm target dir (it still has its `name` section;
the copy in the site has none), e.g.

    scripts/wasm-sizes.py target/wasm/wasm32-unknown-unknown/wasm-release/cloudbook-lab.wasm
    scripts/wasm-sizes.py --depth 3 --top 40 --grep 'cloudbook::lambda' <file.wasm>

Code bytes are the function bodies before gzip; closures and generic instantiations count where
their path starts (`core::ops::function::FnOnce::call_once` shims are mostly registered closures).
Standard library only, so it runs wherever the benchmark scripts run.
"""
import argparse
import collections
import re
import sys

ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$C$": ",", "$SP$": "@",
           "$u20$": " ", "$u27$": "'", "$u5b$": "[", "$u5d$": "]", "$u7b$": "{", "$u7d$": "}",
           "$u3b$": ";", "$u22$": '"', "$u7e$": "~", "$u21$": "!", "$u2b$": "+", "$u3d$": "="}


def demangle(name):
    """Rust's legacy mangling (`_ZN<len><seg>...17h<hash>E`) to a path; other names unchanged."""
    if not name.startswith("_ZN"):
        return name
    i, segs = 3, []
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        n = int(name[i:j])
        segs.append(name[j:j + n])
        i = j + n
    if segs and re.fullmatch(r"h[0-9a-f]{16}", segs[-1]):
        segs.pop()
    out = []
    for s in segs:
        if s.startswith("_$"):
            s = s[1:]
        for k, v in ESCAPES.items():
            s = s.replace(k, v)
        out.append(s.replace("..", "::"))
    return "::".join(out)


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def read(path):
    """(section sizes, [(function name, body bytes)]) of a wasm file."""
    data = open(path, "rb").read()
    i, sections, imported, bodies, names = 8, [], 0, [], {}
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        end = i + size
        if sid == 0:
            n, j = leb(data, i)
            custom = data[j:j + n].decode()
            j += n
            sections.append(("custom " + custom, size))
            while custom == "name" and j < end:
                sub = data[j]
                ssize, j = leb(data, j + 1)
                send = j + ssize
                if sub == 1:
                    count, j = leb(data, j)
                    for _ in range(count):
                        idx, j = leb(data, j)
                        n, j = leb(data, j)
                        names[idx] = demangle(data[j:j + n].decode("utf-8", "replace"))
                        j += n
                j = send
        else:
            sections.append((["custom", "type", "import", "function", "table", "memory", "global",
                              "export", "start", "element", "code", "data", "datacount"][sid], size))
            if sid == 2:
                count, j = leb(data, i)
                for _ in range(count):
                    for _ in range(2):
                        n, j = leb(data, j)
                        j += n
                    kind = data[j]
                    j += 1
                    if kind == 0:
                        imported += 1
                        _, j = leb(data, j)
                    elif kind == 1:
                        j += 1
                        flags, j = leb(data, j)
                        _, j = leb(data, j)
                        if flags & 1:
                            _, j = leb(data, j)
                    elif kind == 2:
                        flags, j = leb(data, j)
                        _, j = leb(data, j)
                        if flags & 1:
                            _, j = leb(data, j)
                    else:
                        j += 2
            elif sid == 10:
                count, j = leb(data, i)
                for k in range(count):
                    n, body = leb(data, j)
                    bodies.append((imported + k, body - j + n))
                    j = body + n
        i = end
    return len(data), sections, [(names.get(idx, f"func[{idx}]"), n) for idx, n in bodies]


def group(name, depth):
    """The first `depth` path segments of where a function starts (`<A as B>::f` counts under A)."""
    name = re.sub(r"\[[0-9a-f]+\]", "", name)
    name = re.sub(r"^(<|&|\*|\(|impl |mut |const |dyn )+", "", name)
    parts = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", name.split(" as ")[0].split("<")[0])
    return "::".join(parts[:depth]) or name[:30]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("wasm")
    p.add_argument("--depth", type=int, default=2, help="path segments per group (default 2)")
    p.add_argument("--top", type=int, default=25, help="rows to print (default 25)")
    p.add_argument("--grep", help="list the largest functions whose path matches this regex")
    a = p.parse_args()
    total, sections, bodies = read(a.wasm)
    print(f"{a.wasm}: {total} B")
    for name, size in sections:
        if size > 1000:
            print(f"  section {name:<28} {size:>9}")
    code = sum(n for _, n in bodies)
    groups = collections.Counter()
    for name, n in bodies:
        groups[group(name, a.depth)] += n
    print(f"code bytes by path ({len(bodies)} functions, {code} B):")
    for g, n in groups.most_common(a.top):
        print(f"  {n:>9} {100 * n / code:5.1f}%  {g}")
    if a.grep:
        pat = re.compile(a.grep)
        rows = sorted(((n, f) for f, n in bodies if pat.search(f)), reverse=True)
        print(f"functions matching {a.grep!r}: {sum(n for n, _ in rows)} B in {len(rows)}")
        for n, f in rows[:a.top]:
            print(f"  {n:>9}  {f[:160]}")


if __name__ == "__main__":
    sys.exit(main())
