// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_SETTING_H
#define LLM_SPLIT_SETTING_H

#include <cstdint>
#include <limits>
#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief One adaptive-split-computing run in plain numbers (Sung et al., arXiv 2511.04002):
 *        what each device computes, sends and keeps in memory, what the cloud computes, and
 *        the network between them. LlmSplitSimulation runs it packet by packet.
 *
 * A request processes a prompt of P tokens (prefill, step w = 0, which yields the first
 * generated token) and then generates one token per decode step w = 1 ... G − 1. In SPLIT
 * mode each step runs the device's front end (embedding + ℓ decoder blocks) for its compute
 * time, sends the compressed activation (payload bytes) to the cloud, which runs the rest and
 * returns the token id (tokenIdBytes); the next step starts when the id arrives. In CLOUD_ONLY
 * mode the device sends its prompt's token ids (promptBytes) once, the cloud runs every layer
 * per step and streams the ids back, the device computes nothing and holds no KV cache.
 *
 * Memory rule [ours, spec §2]: before step w the device needs
 * deviceStaticBytes + (P + w)·kvBytesPerToken ≤ memoryBudgetBytes (the KV cache of its ℓ blocks
 * for a context of P + w tokens, kvBytesPerToken = ℓ·2·H_kv·D·Q_kv/8); the first step that
 * does not fit fails with reason "memory", and so does every later token of the request.
 *
 * Nothing here runs the simulator: the analytic figures are closed forms, unit-testable alone.
 */
struct LlmSplitSetting
{
    /// Who computes what.
    enum class Mode
    {
        SPLIT,     //!< Device: embedding + ℓ blocks; cloud: the rest; activation uplink
        CLOUD_ONLY //!< Device sends the prompt's token ids; the cloud computes everything
    };

    /// Bytes of the LlmActivationHeader in front of every message (counted in the analytic
    /// transfer; TCP/IP/PPP headers are not).
    static constexpr uint32_t MESSAGE_HEADER_BYTES = 26;
    /// Most requests per device (request ids carry the device index in their upper 16 bits).
    static constexpr uint32_t MAX_REQUESTS = 65535;
    /// Most devices in one run.
    static constexpr uint32_t MAX_DEVICES = 1024;

    Mode mode{Mode::SPLIT}; //!< SPLIT or CLOUD_ONLY

    // ---- workload (per device)
    uint32_t promptTokens{128};    //!< P, prompt tokens (the prefill's T)
    uint32_t tokensToGenerate{32}; //!< G, tokens generated per request (prefill gives the 1st)
    uint32_t requests{1};          //!< Requests per device, one after the other
    double thinkSeconds{0};        //!< Pause between the end of a request and the next, s

    // ---- split (SPLIT mode)
    uint32_t splitLayer{8};          //!< ℓ, decoder blocks on the device
    double devicePrefillSeconds{0};  //!< Device compute of the prefill (P tokens), s
    double deviceDecodeSeconds{0};   //!< Device compute of one decode step, s
    double cloudPrefillSeconds{0};   //!< Cloud compute (layers ℓ+1 ... L, head), prefill, s
    double cloudDecodeSeconds{0};    //!< Cloud compute of one decode step, s
    uint64_t payloadPrefillBytes{0}; //!< Activation message of the prefill (codec bytes)
    uint64_t payloadDecodeBytes{0};  //!< Activation message of one decode step, bytes
    uint32_t tokenIdBytes{4};        //!< Token id returned per step, bytes
    uint64_t memoryBudgetBytes{std::numeric_limits<uint64_t>::max()}; //!< M_max of the device
    uint64_t deviceStaticBytes{0}; //!< Weights + activation buffer + runtime reserve, bytes
    uint64_t kvBytesPerToken{0};   //!< Device KV cache per context token, bytes

    // ---- cloud-only (CLOUD_ONLY mode)
    uint64_t promptBytes{512};         //!< The prompt's token ids sent at prefill (4·P), bytes
    double cloudOnlyPrefillSeconds{0}; //!< Cloud compute of every layer, prefill, s
    double cloudOnlyDecodeSeconds{0};  //!< Cloud compute of every layer, one decode step, s

    // ---- network
    uint32_t devices{1};             //!< K, devices sharing the cloud
    double uplinkBps{20e6};          //!< Device → router access rate, bit/s
    double downlinkBps{50e6};        //!< Router → device access rate, bit/s
    double accessDelaySeconds{0.01}; //!< Access link propagation delay, s
    double sharedBps{1e9};           //!< Router ↔ cloud rate (each direction), bit/s
    double sharedDelaySeconds{0.02}; //!< Router ↔ cloud propagation delay, s
    /// TCP: open the connections (device → cloud and back) before the first request, as for a
    /// client already served; false: the first request pays the set-up (a cold start)
    bool warmConnections{true};

    /**
     * @brief Check every value.
     * @throws LlmInputError naming the field and what was expected
     */
    void Validate() const;

    /// @return "split" or "cloud-only"
    std::string GetModeName() const;

    /**
     * @brief The first step the device's memory refuses (SPLIT mode): the smallest w in
     *        [0, G) with deviceStaticBytes + (P + w)·kvBytesPerToken > memoryBudgetBytes.
     * @return that w, or G when every step fits (always G in CLOUD_ONLY mode)
     */
    uint32_t FirstMemoryFailure() const;

    /**
     * @brief Whether step w fits the device's memory (SPLIT mode; overflow-safe).
     * @param w the step (0: prefill)
     * @return true if deviceStaticBytes + (P + w)·kvBytesPerToken ≤ memoryBudgetBytes
     */
    bool StepFits(uint32_t w) const;

    /**
     * @brief Analytic time of a message from a device to the cloud: (bytes + header)·8 at the
     *        slower of uplink and shared link (packets pipeline through the router, so the
     *        slowest hop sets the rate) plus both propagation delays.
     * @param bytes payload bytes
     * @param propagation false on ideal links (no delay)
     * @return seconds
     */
    double UplinkSeconds(uint64_t bytes, bool propagation) const;

    /**
     * @brief Analytic time of a message from the cloud to a device (shared link, downlink).
     * @param bytes payload bytes
     * @param propagation false on ideal links
     * @return seconds
     */
    double DownlinkSeconds(uint64_t bytes, bool propagation) const;

    /**
     * @brief Analytic time to first token of one device alone: device prefill compute +
     *        uplink(prefill payload) + cloud prefill compute + downlink(token id) (CLOUD_ONLY:
     *        uplink(prompt) + cloud-only prefill + downlink). Queueing at the cloud (other
     *        devices) and transport effects (TCP/IP headers, handshake, slow start) are not in it.
     * @param propagation false on ideal links
     * @return seconds
     */
    double AnalyticTtftSeconds(bool propagation) const;

    /**
     * @brief Analytic time per output token of one device alone: the decode step's device
     *        compute + uplink + cloud compute + downlink (CLOUD_ONLY: the cloud streams ids, so
     *        the larger of its decode compute and a token id's serialization).
     * @param propagation false on ideal links
     * @return seconds
     */
    double AnalyticTpotSeconds(bool propagation) const;

    /**
     * @brief Cloud compute one device's requests need when the memory rule allows: per request
     *        the cloud's prefill plus a decode step per further token up to the first memory
     *        failure.
     * @return seconds
     */
    double CloudSecondsPerDevice() const;
};

} // namespace ns3

#endif // LLM_SPLIT_SETTING_H
