// SPDX-License-Identifier: GPL-2.0-only

// Standalone test runner for the edge-llm suites (the standalone CMake build; in-tree builds
// use ns-3's own test-runner and test.py). Accepts ns-3's usual options: --suite=NAME, --list,
// --verbose, --help. Exits non-zero if a suite fails or --suite names no suite.

#include "ns3/test.h"

int
main(int argc, char* argv[])
{
    return ns3::TestRunner::Run(argc, argv);
}
