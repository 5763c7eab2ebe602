// SPDX-License-Identifier: GPL-2.0-only

/**
 * @defgroup edge-llm edge-llm: LLM layer placement and quantization on edge servers
 *
 * The DILEMMA problem (joint placement of LLM layers on edge servers and per-layer bit widths)
 * and its cost model, see doc/edge-llm.rst.
 */

/**
 * @defgroup edge-llm-tests edge-llm tests
 * @ingroup edge-llm
 *
 * The module's ns-3 test suites.
 */
