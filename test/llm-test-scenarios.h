// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TEST_SCENARIOS_H
#define LLM_TEST_SCENARIOS_H

// Scenarios shared by the edge-llm test suites.

namespace ns3
{
namespace tests
{

/// Two layers, three servers (a, b, c), links a→b and b→c only; numbers easy to check by hand.
inline const char* kHandScenario = R"({
  "model": {"name": "toy", "original_bits": 32,
            "layers": [{"name": "l0", "params": 1000, "flops_per_token": 2.0e6,
                        "output_elements_per_token": 100, "weight_max_abs": 0.5},
                       {"name": "l1", "params": 3000, "flops_per_token": 4.0e6,
                        "output_elements_per_token": 10,
                        "weight_error": {"4": 0.1, "8": 0.001, "16": 1e-9}}]},
  "workload": {"tokens": 10, "batch": 2},
  "quantization": {"b_min": 4, "b_max": 32, "b_step": 4, "delta": 0.01},
  "servers": [{"name": "a", "ccs_hz": 1.0e9, "storage_bytes": 1000},
              {"name": "b", "ccs_hz": 2.0e9},
              {"name": "c", "ccs_hz": 4.0e9, "storage_bytes": 3000}],
  "links": [{"from": "a", "to": "b", "bps": 1.0e6}, {"from": "b", "to": "c", "bps": 2.0e6}],
  "max_layers_per_server": 1
})";

} // namespace tests
} // namespace ns3

#endif // LLM_TEST_SCENARIOS_H
