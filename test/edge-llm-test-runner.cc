// SPDX-License-Identifier: GPL-2.0-only

// Standalone test runner for the edge-llm suites (the standalone CMake build; in-tree builds
// use ns-3's own test-runner and test.py). Accepts ns-3's usual options: --suite=NAME, --list,
// --verbose, --help, ... Exits non-zero if a suite fails, --suite names no suite, or an option
// is not one of ns-3's test-runner options (ns-3's runner would ignore it and exit 0).

#include "ns3/test.h"

#include <iostream>
#include <string>
#include <vector>

int
main(int argc, char* argv[])
{
    const std::vector<std::string> known{"--help",
                                         "--assert-on-failure",
                                         "--stop-on-failure",
                                         "--fullness",
                                         "--example",
                                         "--print-temp-dir",
                                         "--tempdir",
                                         "--list",
                                         "--print-test-name-list",
                                         "--print-test-types",
                                         "--test-type",
                                         "--suite",
                                         "--verbose",
                                         "--xml",
                                         "--out",
                                         "--update-data"};
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        const std::string name = arg.substr(0, arg.find('='));
        bool ok = false;
        for (const std::string& k : known)
        {
            ok = ok || name == k;
        }
        if (!ok)
        {
            std::cerr << "edge-llm-test-runner: command line: \"" << arg
                      << "\": expected one of ns-3's test-runner options (--suite=NAME, "
                         "--list, --verbose, --help, ...)"
                      << std::endl;
            return 1;
        }
    }
    return ns3::TestRunner::Run(argc, argv);
}
