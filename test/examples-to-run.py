#! /usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only

# A list of C++ examples to run in order to ensure that they remain buildable and runnable
# over time. Each tuple in the list contains
#
#     (example_name, do_run, do_valgrind_run).
#
# See test.py for more information. ns-3's test.py reads this file from <module>/test/;
# examples/examples-to-run.py is a link to it.
cpp_examples = [
    ("edge-llm-first", "True", "True"),
    ("edge-llm-plan", "True", "False"),
    ("edge-llm-plan --describe --delta=1e-3 --tokens=16", "True", "True"),
    ("edge-llm-plan --solver=greedy --model=opt-125m", "True", "True"),
    ("edge-llm-plan --solver=dp --max-layers-per-server=unlimited", "True", "True"),
    ("edge-llm-solver-benchmark --sizes=8x10 --variants=full,dp", "True", "False"),
    ("edge-llm-solver-benchmark --drawn=ccs --runs=1 --growth=12x16", "True", "False"),
    ("edge-llm-plan --access-path=edge0 --solver=cloud-only", "True", "True"),
    ("edge-llm-codec --tokens=64 --hidden=512", "True", "False"),
    ("edge-llm-split-benchmark --runs=1", "True", "False"),
    ("edge-llm-split --tokens=8 --prompt=16", "True", "False"),
    ("edge-llm-split --tokens=4 --prompt=8 --devices=2 --access=wifi-ax --transport=udp", "True", "False"),
    ("edge-llm-split-scaling --devices=1,2 --tokens=4 --prompt=8 --access=wifi-ac --csv= --plot=", "True", "False"),
    ("edge-llm-topology --edges=12 --graph=geometric --radius=0.5 --seed=3", "True", "True"),
    ("edge-llm-simulate --tokens=4", "True", "False"),
    ("edge-llm-multi-simulate --solver=sequential --discipline=round-robin", "True", "False"),
    ("edge-llm-multi-benchmark --models=2 --tokens=2 --solo", "True", "False"),
    ("edge-llm-multi-simulate --solver=sequential --fail=edge10@5", "True", "False"),
    ("edge-llm-simulate --tokens=4 --link-trace-random=5:0.3:1", "True", "False"),
    ("edge-llm-simulate --tokens=4 --transport=udp --ideal", "True", "False"),
    # test.py runs examples in testpy-output/<date>/ of the ns-3 tree, the module in contrib/.
    (
        "edge-llm-replacement --scenario=../../contrib/edge-llm/examples/replacement-scenario.json "
        "--link-trace=../../contrib/edge-llm/examples/replacement-trace.csv --solver=ilp "
        "--tokens=100 --figure=edge-llm-replacement",
        "True",
        "False",
    ),
    ("edge-llm-simulate --model=opt-125m --tokens=4 --fail=edge10@4+1", "True", "False"),
    ("edge-llm-simulate --model=opt-125m --tokens=2 --solver=greedy --d2d=wifi-ax", "True", "False"),
    (
        "edge-llm-sweep --model=opt-125m --tokens=2 --runs=2 --grid=1e7,1e9 --solvers=ilp,greedy "
        "--variants=wifi:d2d=wifi-ac --jobs=1 --quiet --output-dir=/tmp/edge-llm-sweep-example",
        "True",
        "False",
    ),
    (
        "edge-llm-sweep --sweep=failures --model=opt-125m --tokens=4 --runs=2 --grid=0,200 "
        "--solvers=ilp --jobs=1 --quiet --output-dir=/tmp/edge-llm-sweep-failures-example",
        "True",
        "False",
    ),
    (
        "edge-llm-sweep --sweep=models --model=opt-125m --tokens=2 --runs=1 --grid=1,2 "
        "--jobs=1 --quiet --output-dir=/tmp/edge-llm-sweep-models-example",
        "True",
        "False",
    ),
]

# A list of Python examples to run in order to ensure that they remain runnable over time.
python_examples = []
