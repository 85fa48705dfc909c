"""Resident memory growth of LLVM's new pass manager through llvmlite: parsing and
code generation give nothing back to keep, but each run of the O3 pipeline on even
a one-instruction module leaves about 54 KB behind (closing the pass manager,
builder and options does not help). This is what makes a process that compiles
thousands of distinct functions grow; see the reliability issue's memory item.

    python benchmarks/llvm_pass_manager_leak.py
"""
import gc, os
from symopt.lowering.machine import llvm, target_machine, optimize, parse_verified
def rss():
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
text = 'define double @f(double %x) {\n  %y = fmul double %x, 2.0\n  ret double %y\n}\n'
b = llvm(); m = target_machine()
for label, fn in [("parse", lambda: parse_verified(text)), ("optimize", lambda: optimize(parse_verified(text), m)),
                  ("emit", lambda: m.emit_object(parse_verified(text)))]:
    fn(); gc.collect(); base = rss()
    for _ in range(2000): fn()
    gc.collect(); print(label, "+%.1f MiB / 2000" % (rss() - base))
def opt_closed():
    mod = parse_verified(text)
    pto = b.create_pipeline_tuning_options(speed_level=3)
    builder = b.create_pass_builder(m, pto)
    pm = builder.getModulePassManager()
    pm.run(mod, builder)
    pm.close(); builder.close(); pto.close(); mod.close()
opt_closed(); gc.collect(); base = rss()
for _ in range(2000): opt_closed()
gc.collect(); print("optimize closed", "+%.1f MiB / 2000" % (rss() - base))
