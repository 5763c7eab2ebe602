#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The hostile-input suite: feeds bad files and command lines to the edge-llm programs and checks
# that each stops with exit code 1 (2 without a plan) and a one-line message naming the source,
# the field or option and what was expected; never a crash, an abort, a hang or a silent
# default. Also checks token conservation under faults. Usage: hostile-input.sh BIN_DIR
set -uo pipefail
bin=$(cd "${1:?usage: hostile-input.sh BIN_DIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
cases=0

# expect CODE "message fragment" program args...: exit code and a stderr line containing the
# fragment, within 120 s.
expect() {
  local code=$1 fragment=$2
  shift 2
  cases=$((cases + 1))
  local out rc
  out=$(cd "$work" && timeout 120 "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne "$code" ] || [[ "$out" != *"$fragment"* ]]; then
    echo "FAIL: $* -> exit $rc (expected $code), stderr: ${out:0:300}" >&2
    echo "      expected a message containing: $fragment" >&2
    failures=$((failures + 1))
  fi
}

plan=$bin/edge-llm-plan
simulate=$bin/edge-llm-simulate
sweep=$bin/edge-llm-sweep
"$plan" --print-scenario --model=opt-125m --tokens=2 >"$work/s.json"

# Scenario files: each bad file is refused by name, path and expectation.
s=$work/s.json
sed '0,/"ccs_hz": [0-9.e+]*/s//"ccs_hz": 1e400/' "$s" >"$work/overflow.json"
{ head -c 200000 /dev/zero | tr '\0' '['; head -c 200000 /dev/zero | tr '\0' ']'; } >"$work/deep.json"
sed '0,/"ccs_hz": /s//"ccs_hz": 1, "ccs_hz": /' "$s" >"$work/dup.json"
sed '0,/"name": "edge1"/s//"name": "ed\\u0001ge"/' "$s" >"$work/ctrl.json"
sed '0,/"ccs_hz": [0-9.e+]*/s//"ccs_hz": "fast"/' "$s" >"$work/type.json"
sed 's/"ccs_hz": [0-9.e+]*/"ccs_hz": 1e-06/g' "$s" >"$work/slow.json"
sed '0,/"ccs_hz": [0-9.e+]*/s//"ccs_hz": 2.0/' "$s" >"$work/ghz.json"
sed 's/"delay_s": [0-9.e+-]*/"delay_s": 1000/g' "$s" >"$work/far.json"
awk 'BEGIN { printf "{\"model\": \"opt-125m\", \"workload\": {\"tokens\": 1, \"batch\": 1}, ";
             printf "\"quantization\": {\"b_min\": 4, \"b_max\": 32, \"b_step\": 4, \"delta\": 0.001}, ";
             printf "\"servers\": [";
             for (i = 0; i < 5000; i++) printf "%s{\"name\": \"e%d\", \"ccs_hz\": 1e9}", (i ? ", " : ""), i;
             printf "], \"links\": []}\n" }' >"$work/many.json"
expect 1 "overflow.json: servers[0].ccs_hz: expected a number a double can hold" "$plan" --scenario=overflow.json
expect 1 "deep.json: " "$plan" --scenario=deep.json
expect 1 "levels of nested objects" "$plan" --scenario=deep.json
expect 1 'dup.json: servers[0].ccs_hz: expected each key once in an object, got "ccs_hz" twice' "$plan" --scenario=dup.json
expect 1 "ctrl.json: servers[1].name: expected a non-empty name of printable characters" "$plan" --scenario=ctrl.json
expect 1 "many.json: servers: expected at most 4096 servers" "$plan" --scenario=many.json
expect 1 'type.json: servers[0].ccs_hz: expected a positive number, got "fast"' "$plan" --scenario=type.json
expect 1 "missing.json: cannot open the file for reading" "$plan" --scenario=missing.json
printf '{"model_type": "llama", "hidden_size": "4096"}\n' >"$work/config.json"
expect 1 'config.json: hidden_size: expected a positive integer (the model width d)' "$plan" --model-config=config.json
expect 1 "simulation: expected a run of at most 1e+08 s of simulated time" "$simulate" --scenario=slow.json --solver=greedy --accept-implausible-units
expect 1 "slow.json: servers[0].ccs_hz: expected a clock in Hz (operations per second) of at least 1e+06, got 1e-06" "$simulate" --scenario=slow.json --solver=greedy
expect 1 "ghz.json: servers[0].ccs_hz: expected a clock in Hz (operations per second) of at least 1e+06, got 2; did you mean 2e+09 (GHz typed as Hz)?" "$plan" --scenario=ghz.json

# Command lines: strict values, positional arguments, ns-3's own options checked first.
expect 1 'command line: "my.json": expected options only' "$plan" my.json
expect 1 'command line: --mtu: expected an integer 576 ... 65535, got "1500.7"' "$simulate" --mtu=1500.7
expect 1 'command line: --requests: expected an integer 1 ... 1000000, got "-1"' "$simulate" --requests=-1
expect 1 "command line: --queue: expected a queue size" "$simulate" --queue=99999999999999999999p
expect 1 "command line: --queue: expected a queue size" "$simulate" --queue=1kiB
expect 1 'command line: --loss: expected a packet error rate 0 <= loss < 1, got "inf"' "$simulate" --loss=inf
expect 1 'command line: --RngRun: expected a run number' "$simulate" --RngRun=abc
expect 1 'command line: --RngSeed: expected a seed 1 ... 4294967295, got "-1"' "$simulate" --RngSeed=-1
expect 1 "command line: --ns3::TcpSocket::SegmentSize: this value is set by every run from --mtu" "$simulate" --ns3::TcpSocket::SegmentSize=1000
expect 1 'command line: --ns3::TcpSocket::SegmentSize: expected a non-negative integer, got "abc"' "$plan" --ns3::TcpSocket::SegmentSize=abc
expect 1 'command line: --ns3::TcpSocket::ConnTimeout: expected a time such as 10ms' "$simulate" --ns3::TcpSocket::ConnTimeout=abc
expect 1 'command line: --SimulatorImplementationType: expected the name of an ns-3 type, got "foo"' "$simulate" --SimulatorImplementationType=foo
expect 1 'command line: --time-limit: expected a time limit' "$plan" --time-limit=0
expect 1 'command line: --gap: expected a relative gap 0 <= gap < 1, got "5"' "$plan" --gap=5
expect 1 'command line: --ilp-formulation: expected auto, layered or server-path, got "foo"' "$plan" --ilp-formulation=foo
expect 1 "/nonexistent/x.json: cannot write the results" "$simulate" --output=/nonexistent/x.json
expect 1 'command line: --access-path: expected the name of a scenario server or "none", got "mars"' "$plan" --access-path=mars
expect 1 "command line: --user: the scenario's user is behind edge0" "$simulate" --access-path=edge0 --user=edge1 --tokens=1
printf 'time_s,from,to,bps\n0,edge0,edge1,1e8\n0,mars,edge1,1e8\n' >"$work/trace-server.csv"
printf 'time_s,from,to,bps\n5,edge0,edge1,1e8\n3,edge0,edge1,1e8\n' >"$work/trace-unsorted.csv"
printf 'time_s,from,to,bps\n0,edge0,edge1,fast\n' >"$work/trace-nan.csv"
expect 1 'trace-server.csv: line 3: from: expected the name of a scenario server, got "mars"' "$simulate" --model=opt-125m --tokens=1 --solver=greedy --link-trace=trace-server.csv
expect 1 'trace-unsorted.csv: line 3: time_s: expected rows sorted by time, got 3 after 5' "$simulate" --model=opt-125m --tokens=1 --solver=greedy --link-trace=trace-unsorted.csv
expect 1 'trace-nan.csv: line 2: bps: expected a number (the rate in bit/s), got "fast"' "$simulate" --model=opt-125m --tokens=1 --solver=greedy --link-trace=trace-nan.csv
expect 1 'expected never, periodic:PERIOD_S or threshold:PERIOD_S:THETA[:CONFIRMATIONS[:DWELL_S]], got "sometimes"' "$simulate" --model=opt-125m --tokens=1 --solver=greedy --replace=sometimes
expect 1 'command line: --replace: a re-placement policy other than never re-solves when the links change' "$simulate" --model=opt-125m --tokens=1 --solver=greedy --replace=periodic:5
f=(--model=opt-125m --tokens=1 --solver=greedy)
expect 1 'command line: --fail item 1 (mars@10): server: expected the name of a scenario server, got "mars"' "$simulate" "${f[@]}" --fail=mars@10
expect 1 'command line: --fail item 1 (edge0@-5): time: expected a failure time of 0 ... 1e9 s, got "-5"' "$simulate" "${f[@]}" --fail=edge0@-5
expect 1 'command line: --fail item 2 (edge1@soon): time: expected a failure time of 0 ... 1e9 s, got "soon"' "$simulate" "${f[@]}" --fail=edge0@1 --fail=edge1@soon
expect 1 'command line: --fail item 1 (edge0): expected SERVER@TIME[+REPAIR]' "$simulate" "${f[@]}" --fail=edge0
expect 1 'command line: --fail item 2 (): expected SERVER@TIME[+REPAIR]' "$simulate" "${f[@]}" --fail=edge0@1,
expect 1 'command line: --fail item 1 (edge0@1+x): repair: expected a repair time' "$simulate" "${f[@]}" --fail=edge0@1+x
expect 1 'command line: --fail item (edge0@3): expected a server that is up when it fails, but edge0 is still down at 3 s' "$simulate" "${f[@]}" --fail=edge0@1,edge0@3
expect 1 'command line: --fail-mtbf MTBF: expected a mean time between failures of 1e-9 ... 1e9 s, got "soon"' "$simulate" "${f[@]}" --fail-mtbf=soon
expect 1 'command line: --fail-mtbf: expected MTBF[:SEED[:REPAIR[:HORIZON]]]' "$simulate" "${f[@]}" --fail-mtbf=600:1:2:3:4
expect 1 'command line: --fail-mtbf SEED: expected a seed 1 ... 4294967295, got "0"' "$simulate" "${f[@]}" --fail-mtbf=600:0
expect 1 'command line: --fail-timeout: expected a failure timeout of 1e-9 ... 1e9 s, got "0"' "$simulate" "${f[@]}" --fail=edge0@1 --fail-timeout=0
expect 1 'command line: --fail-timeout: only with --fail or --fail-mtbf' "$simulate" "${f[@]}" --fail-timeout=1
expect 1 "--runs" "$sweep" --runs=-1 --output-dir=sw
expect 1 "--grid" "$sweep" --grid=inf --output-dir=sw
expect 1 "--grid" "$sweep" --grid=,,, --output-dir=sw
expect 1 "--jobs" "$sweep" --jobs=-1 --output-dir=sw
touch "$work/a-file"
expect 1 "--output-dir" "$sweep" --output-dir=a-file --runs=1 --grid=1e8
expect 1 '--variants' "$sweep" --variants="a,b:mtu=9000" --output-dir=sw
expect 1 'expected one of ns-3' "$bin/edge-llm-test-runner" --bogus
expect 1 "--sizes" "$bin/edge-llm-solver-benchmark" --sizes=-5x3
expect 1 "--sizes" "$bin/edge-llm-solver-benchmark" --sizes=4x4junk
expect 1 'command line: --drawn: expected omega or ccs, got "fig5"' "$bin/edge-llm-solver-benchmark" --drawn=fig5
expect 1 "command line: --plot: draws the --growth table" "$bin/edge-llm-solver-benchmark" --plot=x.png
expect 1 "command line: --runs" "$bin/edge-llm-solver-benchmark" --drawn=ccs --runs=0
expect 1 'command line: --edges: expected an integer 1 ... 4096, got "-3"' "$bin/edge-llm-topology" --edges=-3
expect 1 'command line: --density: expected a probability 0 < p <= 1, got "2"' "$bin/edge-llm-topology" --density=2
expect 1 "missing.txt: cannot open the file for reading" "$bin/edge-llm-topology" --inet=missing.txt
"$bin/edge-llm-codec" --tokens=4 --hidden=8 --write-tensors="$work/act.safetensors" >/dev/null && head -c 250 "$work/act.safetensors" >"$work/cut.safetensors"
expect 1 'cut.safetensors: "activation".data_offsets: expected offsets within the' "$bin/edge-llm-codec" --tensors=cut.safetensors --tensor=activation
expect 1 'command line: --tokens: expected an integer 1 ... 1000000, got "0"' "$bin/edge-llm-codec" --tokens=0

# --merge refuses another sweep's part files, names a truncated one, lists missing run indices.
m=(--model=opt-125m --tokens=2 --grid=1e8 --no-simulation --solvers=greedy --output-dir=m --quiet)
(cd "$work" && timeout 120 "$sweep" "${m[@]}" --runs=3 >/dev/null 2>&1)
expect 1 "part-run-0.csv: a part file of another sweep (its --sweep is omega, this sweep's ccs)" "$sweep" "${m[@]}" --runs=3 --sweep=ccs --merge
expect 1 "part-run-0.csv: a part file of another sweep (its --runs is 3, this sweep's 7)" "$sweep" "${m[@]}" --runs=7 --merge
rm -f "$work/m/part-run-1.csv"
expect 1 "m: --merge: 1 of 3 runs have no part file (run indices 1)" "$sweep" "${m[@]}" --runs=3 --merge
expect 0 "" "$sweep" "${m[@]}" --runs=3 --merge --allow-missing
head -c 40 "$work/m/part-run-2.csv" >"$work/m/part-run-1.csv"
expect 1 "part-run-1.csv: truncated or corrupt" "$sweep" "${m[@]}" --runs=3 --merge --allow-missing
expect 1 "command line: --allow-missing: only with --merge" "$sweep" "${m[@]}" --runs=3 --allow-missing

expect 1 'command line: --device-memory: expected a size in bytes with an optional unit' "$bin/edge-llm-split" --device-memory=4XB
expect 1 'command line: --split-layer: expected an integer 0 ... 32, got "33"' "$bin/edge-llm-split" --split-layer=33
expect 2 "no setting (memory-weights)" "$bin/edge-llm-split" --model=llama-2-70b --device-memory=4GiB --split-layer=80 --no-simulation
expect 1 'command line: --access: expected p2p, wifi-ac or wifi-ax (the medium between the devices and the router), got "wifi-n"' "$bin/edge-llm-split" --access=wifi-n
expect 1 'command line: --access: expected p2p, wifi-ac or wifi-ax' "$bin/edge-llm-split" --access=WIFI-AX
expect 1 'command line: --access: expected p2p, wifi-ac or wifi-ax' "$bin/edge-llm-split-scaling" --access=5g --devices=1
expect 1 'command line: --access: expected p2p, wifi-ac or wifi-ax' "$bin/edge-llm-split-scaling" --access= --devices=1
expect 1 'command line: --uplink: a Wi-Fi access network (--access=wifi-ax) runs at its standard' "$bin/edge-llm-split" --access=wifi-ax --uplink=1e8
expect 1 'command line: --mtu: expected 576 ... 2296 bytes with Wi-Fi access' "$bin/edge-llm-split" --access=wifi-ac --mtu=9000
expect 1 'LlmSplitSimulation: mtu: expected 576 ... 2296 bytes with Wi-Fi access' "$bin/edge-llm-split-scaling" --access=wifi-ax --mtu=9000 --devices=1
expect 1 'command line: --placement-csv: edge-llm-split has no placement table' "$bin/edge-llm-split" --placement-csv=p.csv
expect 1 '/nonexistent/f.xml: cannot write the FlowMonitor XML' "$bin/edge-llm-split" --tokens=2 --prompt=4 --flowmon-xml=/nonexistent/f.xml

# Several-model scenarios (contract version 2): bad files, options that do not apply, a joint plan.
two=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/examples/two-models.json
cp "$two" "$work/two.json"
sed '0,/"name": "chat"/s//"name": "chat", "colour": 1/' "$two" >"$work/two-key.json"
sed 's/"name": "summarize"/"name": "chat"/' "$two" >"$work/two-dup.json"
sed 's/"server": "edge0"/"server": "mars"/' "$two" >"$work/two-user.json"
sed 's/"version": 2/"version": 3/' "$two" >"$work/two-version.json"
sed 's/"storage_bytes": [0-9.e+]*/"storage_bytes": 1e4/g' "$two" >"$work/two-full.json"
expect 1 "two-key.json: models[0].colour: unknown field" "$plan" --scenario=two-key.json
expect 1 'two-dup.json: models[1].name: expected a unique model name, got "chat" twice' "$plan" --scenario=two-dup.json
expect 1 'two-user.json: models[0].user.server: expected the name of a server, got "mars"' "$plan" --scenario=two-user.json
expect 1 "two-version.json: version: expected 2" "$plan" --scenario=two-version.json
expect 2 "model chat (models[0]) is infeasible alone" "$plan" --scenario=two-full.json
expect 1 "command line: --delta: not with a several-model scenario" "$plan" --scenario=two.json --delta=1e-3
expect 1 'command line: --objective: expected max (the makespan bound) or sum (the completion-time sum bound), got "median"' "$plan" --scenario=two.json --objective=median
expect 1 "command line: --objective: only with a several-model scenario" "$plan" --model=opt-125m --objective=sum
expect 1 'command line: --solver: expected ilp (the joint ILP) or exhaustive (joint exhaustive search) for a several-model scenario, got "greedy"' "$plan" --scenario=two.json --solver=greedy
expect 1 "two.json: expected a one-model scenario (contract version 1), got a several-model one" "$bin/edge-llm-delta-table" --scenario=two.json
expect 1 "command line: --tokens: not with a several-model scenario (contract version 2): set it per model in the file (models[].model, workload" "$bin/edge-llm-simulate" --scenario=two.json --tokens=8
expect 1 "command line: --replace: not with a several-model scenario (contract version 2)" "$bin/edge-llm-simulate" --scenario=two.json --replace=periodic:1
expect 1 "command line: --fail item 1 (mars@1): server: expected the name of a scenario server" "$bin/edge-llm-simulate" --scenario=two.json --fail=mars@1
expect 1 "command line: --netanim: not with a several-model scenario" "$bin/edge-llm-multi-simulate" --scenario=two.json --netanim=run.xml
expect 1 "/nonexistent/f.xml: cannot write the FlowMonitor XML" "$bin/edge-llm-multi-simulate" --scenario=two.json --flowmon-xml=/nonexistent/f.xml
expect 1 'command line: --solvers: expected joint solvers with --sweep=models (joint-ilp, sequential, joint-exhaustive), got "greedy"' "$bin/edge-llm-sweep" --sweep=models --solvers=greedy --output-dir=sw
expect 1 'command line: --solvers: "sequential" places several LLMs: only with --sweep=models' "$bin/edge-llm-sweep" --sweep=omega --solvers=sequential --output-dir=sw
expect 1 'command line: --grid: expected a whole number of models 1 ... 256, got "2.5"' "$bin/edge-llm-sweep" --sweep=models --grid=1,2.5 --output-dir=sw
expect 1 'command line: --grid: expected every grid value once, got 0.1 twice' "$bin/edge-llm-sweep" --sweep=failures --grid=0,0.1,0.1 --output-dir=sw
expect 1 'command line: --objective: only with --sweep=models' "$bin/edge-llm-sweep" --sweep=failures --objective=sum --output-dir=sw
expect 1 'command line: --outputs-run: the models sweep writes no per-run files' "$bin/edge-llm-sweep" --sweep=models --grid=1 --runs=1 --outputs-run=0 --pcap=x --output-dir=sw
cases=$((cases + 1))
if ! (cd "$work" && timeout 120 "$plan" --scenario=two.json --objective=sum --output=joint.json >/dev/null &&
  grep -q '"objective": "sum"' joint.json && grep -q '"lower_bound_s"' joint.json); then
  echo "FAIL: edge-llm-plan --scenario=two.json --objective=sum --output=joint.json" >&2
  failures=$((failures + 1))
fi

# Paths with spaces and quotes work end to end.
cases=$((cases + 1))
if ! (cd "$work" && "$plan" --model=opt-125m --tokens=2 --solver=greedy --output="plan it's.json" >/dev/null &&
  "$simulate" --model=opt-125m --tokens=2 --plan="plan it's.json" --token-csv="tok ens.csv" >/dev/null &&
  [ -s "tok ens.csv" ]); then
  echo "FAIL: a path with a space and a quote" >&2
  failures=$((failures + 1))
fi

# edge-llm-split over Wi-Fi writes every output file of the split run, none empty.
cases=$((cases + 1))
if ! (cd "$work" && timeout 120 "$bin/edge-llm-split" --access=wifi-ax --devices=2 --tokens=4 --prompt=8 \
  --pcap=wsp --ascii=w.tr --flowmon-xml=w.xml --netanim=wa.xml --token-csv=wt.csv --output=w.json >/dev/null &&
  [ -s w.tr ] && [ -s w.xml ] && [ -s wa.xml ] && [ -s w.json ] && [ -s wsp-0-1.pcap ] && [ -s wsp-2-2.pcap ] &&
  [ "$(wc -l <wt.csv)" -eq 9 ] && grep -q '"access": "wifi-ax"' w.json); then
  echo "FAIL: edge-llm-split --access=wifi-ax output files" >&2
  failures=$((failures + 1))
fi

# Token conservation under faults: completed + failed = requested, reasons given.
cases=$((cases + 1))
line=$(cd "$work" && timeout 120 "$simulate" --model=opt-125m --tokens=2 --queue=1B 2>/dev/null | grep '^Tokens:')
if [[ "$line" != "Tokens: 2 requested, 0 completed, 2 failed"* ]]; then
  echo "FAIL: a 1-byte queue: $line" >&2
  failures=$((failures + 1))
fi
cases=$((cases + 1))
# 1000 s link delays: UDP waits for them; TCP's connection set-up gives up first (a reason).
line=$(cd "$work" && timeout 120 "$simulate" --scenario=far.json --solver=greedy --transport=udp 2>/dev/null | grep '^Tokens:')
line2=$(cd "$work" && timeout 120 "$simulate" --scenario=far.json --solver=greedy 2>/dev/null | grep '^Tokens:')
if [[ "$line" != "Tokens: 2 requested, 2 completed, 0 failed"* ]] || [[ "$line2" != "Tokens: 2 requested, "*"("*")" ]]; then
  echo "FAIL: 1000 s link delays: UDP $line; TCP $line2" >&2
  failures=$((failures + 1))
fi
# Server failures: a hosting server mid-run is recovered; every server failing ends in no-path
# (never a hang); completed + failed = requested either way.
cases=$((cases + 1))
host=$(cd "$work" && "$plan" --model=opt-125m --tokens=4 --output=p4.json >/dev/null && grep -o '"server": "[^"]*"' p4.json | sed -n 3p | cut -d'"' -f4)
line=$(cd "$work" && timeout 120 "$simulate" --model=opt-125m --tokens=4 --fail="$host@4" --output=f.json 2>/dev/null | grep -E '^(Tokens|Re-plans):' | tr '\n' ' ')
if [[ "$line" != "Tokens: 4 requested, 4 completed, 0 failed Re-plans: 1;"* ]] || ! grep -q '"replay_s"' "$work/f.json"; then
  echo "FAIL: --fail=$host@4 (a hosting server): $line" >&2
  failures=$((failures + 1))
fi
cases=$((cases + 1))
line=$(cd "$work" && timeout 120 "$simulate" --model=opt-125m --tokens=4 --fail-mtbf=0.001 --transport=udp 2>/dev/null | grep '^Tokens:')
if ! awk '{ exit !($2 == $4 + $6 && $2 == 4) }' <<<"$line" || [[ "$line" != *"no-path"* ]]; then
  echo "FAIL: every server failing: $line" >&2
  failures=$((failures + 1))
fi
cases=$((cases + 1))
(cd "$work" && timeout 300 "$sweep" --model=opt-125m --tokens=2 --runs=1 --grid=1e8 --jobs=1 --loss=0.3 \
  --solvers=greedy --output-dir=lossy --quiet >/dev/null 2>&1)
if ! awk -F, 'NR > 1 && $13 + $14 != 2 { bad = 1 } END { exit bad }' "$work/lossy/runs.csv" ||
  [ "$(wc -l <"$work/lossy/runs.csv")" -lt 2 ]; then
  echo "FAIL: sweep rows under 30 % loss do not add up to the requested tokens" >&2
  cat "$work/lossy/runs.csv" >&2
  failures=$((failures + 1))
fi

echo "hostile-input: $((cases - failures)) of $cases cases passed"
[ "$failures" -eq 0 ]
