// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_OPTIMIZER_H
#define LLM_SPLIT_OPTIMIZER_H

#include "llm-profile.h"
#include "llm-split-memory.h"
#include "llm-tensor.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The unified optimization of adaptive split computing (Sung et al., arXiv 2511.04002;
 *        doc/edge-llm.rst, "Adaptive split computing: memory and the unified optimizer"):
 *        jointly choose the split point, the front and back weight widths, the activation
 *        codec setting and the KV-cache width under the device's memory, a required context
 *        and a quality budget, minimizing latency (or maximizing quality under a latency
 *        budget) [paper: the problem; ours: every formula below].
 *
 * Decisions: ℓ ∈ [0, L] decoder blocks on the device (the embedding always runs there, the
 * head in the cloud; ℓ = 0 sends the embedding's output), Q_w1 ≤ Q_w2 from a weight bit set,
 * an activation setting (b, ρ): TS + TAB-Q at a fixed width b with outlier ratio ρ, or b = 16:
 * the fp16 hidden state without the codec, Q_kv from a KV bit set, and the context N (the
 * required N_req unless fixed). Any decision can be fixed (Decisions).
 *
 * Per step of T tokens (the prefill: T = P; a decode step: T = 1) [ours]:
 *   t(T) = device(T) + encode(T) + uplink(T) + decode(T) + cloud(T) + downlink,
 *   device(T) = max(T·Σ_{k≤ℓ} FLOPs_k / F_dev, bytes_dev / BW_dev),
 *   cloud(T) = max(T·Σ_{k>ℓ} FLOPs_k / F_cloud, bytes_cloud / BW_cloud),
 *   encode(T) = T·d·2 / encode rate, decode(T) = T·d·2 / decode rate (none at b = 16),
 *   uplink(T) = (⌈PayloadBits(T)/8⌉ + header)·8 / uplink + propagation,
 *   PayloadBits(T) = T·(d·b + 56) + 32·⌊ρ·T·d⌋ (LlmActivationCodec::PayloadBits), T·d·16 at
 *   b = 16; downlink = token id bytes·8 / downlink + propagation.
 * FLOPs do not depend on the widths; the memory-bound terms (weights read once per step, the
 * device's KV cache at context N in a decode step) apply only when a bandwidth is given.
 * TTFT = t(P), TPOT = t(1); with K devices sharing the cloud, the asymptotic bound of a closed
 * queueing network: TTFT_K = max(t(P), K·(cloud(P) + decode(P))), TPOT_K likewise with T = 1.
 * Total = TTFT + (G − 1)·TPOT for G generated tokens (the prefill yields the first).
 *
 * Cloud-only baseline [ours, as LlmSplitSetting]: the device sends the prompt's token ids once
 * and the cloud streams the generated ids back, all(T) being the cloud's time for every layer:
 * TTFT = max((P·id bytes + header)·8/uplink + propagation + all(P) + downlink, K·all(P)),
 * TPOT = max(K·all(1), id bytes·8/downlink).
 *
 * Quality proxy [ours]: Σ_{i≤ℓ} e_i(Q_w1) + Σ_{j>ℓ} e_j(Q_w2) + NMSE(b, ρ), e_i the weight error
 * of eq. 5 of DILEMMA (the layer's measured table entry, else LlmCostModel::AnalyticWeightError
 * with R = its weightMaxAbs; 0 at or above the original width), NMSE from a calibration table
 * (CalibrateActivation; 0 at b = 16). The KV width is not in the proxy.
 *
 * Search: exhaustive over the candidates with exact pruning (ℓ ascending, stopping when the
 * smallest widths no longer fit: memory grows with ℓ, Q_w1 and Q_kv; a weight pair skipped when
 * its weight error plus the smallest NMSE exceeds the budget). Ties in the objective are broken
 * by the other measure (quality, or latency), then the larger Q_kv, then the smaller device
 * memory, then ℓ, Q_w1, Q_w2, b, ρ ascending.
 */
class LlmSplitOptimizer
{
  public:
    /// What is optimized.
    enum class Objective
    {
        MIN_LATENCY, //!< Minimize the latency metric under the quality budget
        MAX_QUALITY  //!< Minimize the quality proxy under the latency budget
    };

    /// Which latency.
    enum class LatencyMetric
    {
        TPOT, //!< Time per output token
        TOTAL //!< TTFT + (G − 1)·TPOT
    };

    /// An activation setting: TS + TAB-Q at b bits with outlier ratio ρ, or fp16 (b = 16).
    struct ActivationSetting
    {
        uint32_t bits{16};      //!< b, 2 ... 16 (16: fp16, no codec)
        double outlierRatio{0}; //!< ρ ∈ [0, 1) (0 at b = 16)

        /**
         * @brief Order by (b, ρ).
         * @param o the other setting
         * @return true if this one comes first
         */
        bool operator<(const ActivationSetting& o) const;

        /**
         * @brief Equality.
         * @param o the other setting
         * @return true if b and ρ are equal
         */
        bool operator==(const ActivationSetting& o) const;

        /// @return true for b = 16: the fp16 hidden state is sent without the codec
        bool IsUncompressed() const;

        /// @return e.g. "4 bits, rho 0.01" or "fp16 (no codec)"
        std::string ToString() const;
    };

    /// The scenario, with its units. The defaults are ours (doc/edge-llm.rst lists them).
    struct Inputs
    {
        double deviceFlops{1e12};               //!< F_dev, device FLOP/s (Jetson-class, effective)
        double cloudFlops{3e13};                //!< F_cloud, cloud FLOP/s (A6000-class, effective)
        double deviceMemoryBandwidth{0};        //!< BW_dev, bytes/s (0: compute-bound only)
        double cloudMemoryBandwidth{0};         //!< BW_cloud, bytes/s (0: compute-bound only)
        uint64_t deviceMemoryBytes{8ULL << 30}; //!< M_max, bytes (8 GiB)
        uint64_t reserveBytes{2ULL << 30};      //!< B_rt, runtime reserve, bytes (2 GiB)
        double uplinkBps{20e6};                 //!< Device → cloud rate, bit/s
        double downlinkBps{50e6};               //!< Cloud → device rate, bit/s
        double propagationSeconds{0.03};        //!< One-way propagation delay, s
        uint32_t promptTokens{128};             //!< P, prompt tokens
        uint32_t generatedTokens{128};          //!< G, generated tokens
        uint64_t requiredContext{0};            //!< N_req, tokens (0: P + G)
        uint32_t devices{1};                    //!< K, devices sharing the cloud
        double encodeBytesPerSecond{2e8}; //!< Codec encode rate, bytes of fp16 input/s (0: free)
        double decodeBytesPerSecond{2e9}; //!< Codec decode rate at the cloud, bytes/s (0: free)
        uint32_t messageHeaderBytes{0};   //!< Bytes added to every uplink message
        uint32_t tokenIdBytes{4};         //!< Bytes of a token id (prompt and downlink)
        uint64_t groupSize{0};            //!< g, weights per quantization group (0: none)
        uint32_t cloudOnlyBits{16};       //!< Weight width of the cloud-only baseline
        Objective objective{Objective::MIN_LATENCY}; //!< What is optimized
        LatencyMetric metric{LatencyMetric::TPOT};   //!< The latency that is measured
        double qualityBudget{0.05};                  //!< Largest quality proxy (+∞: none)
        double latencyBudgetSeconds{std::numeric_limits<double>::infinity()}; //!< Largest
                                                                              //!< latency, s
        std::vector<uint32_t> weightBits{4, 8, 16}; //!< Candidates of Q_w1, Q_w2
        std::vector<uint32_t> kvBits{4, 8, 16};     //!< Candidates of Q_kv
        std::vector<ActivationSetting> activationSettings{DefaultActivationSettings()}; //!< (b, ρ)
        /// NMSE per activation setting; missing entries are measured on a synthetic tensor
        /// (CalibrationTensor) when the optimizer is built
        std::map<ActivationSetting, double> activationNmse;
        std::size_t calibrationTokens{128}; //!< T of the synthetic calibration tensor
        uint64_t calibrationSeed{1};        //!< Seed of the synthetic calibration tensor

        /// @return b ∈ {2, 3, 4, 6, 8} × ρ ∈ {0, 0.001, 0.01}, and fp16 (16, 0)
        static std::vector<ActivationSetting> DefaultActivationSettings();

        /**
         * @brief Check every value.
         * @throws LlmInputError naming the field and what was expected
         */
        void Validate() const;
    };

    /// Decisions the caller fixes (nullopt: the optimizer chooses).
    struct Decisions
    {
        std::optional<uint32_t> splitLayer;     //!< ℓ
        std::optional<uint32_t> frontBits;      //!< Q_w1
        std::optional<uint32_t> backBits;       //!< Q_w2
        std::optional<uint32_t> kvBits;         //!< Q_kv
        std::optional<uint32_t> activationBits; //!< b (16: fp16)
        std::optional<double> outlierRatio;     //!< ρ
        std::optional<uint64_t> context;        //!< N, tokens (0: N_req)
    };

    /// One complete setting.
    struct Choice
    {
        uint32_t splitLayer{0};       //!< ℓ
        uint32_t frontBits{16};       //!< Q_w1
        uint32_t backBits{16};        //!< Q_w2
        uint32_t kvBits{16};          //!< Q_kv
        ActivationSetting activation; //!< (b, ρ)
        uint64_t context{0};          //!< N, tokens (0 in Evaluate: N_req)
    };

    /// Latency of one step, s.
    struct StepTime
    {
        double deviceSeconds{0};   //!< Device compute
        double encodeSeconds{0};   //!< Codec encode
        double uplinkSeconds{0};   //!< Payload serialization + propagation
        double decodeSeconds{0};   //!< Codec decode at the cloud
        double cloudSeconds{0};    //!< Cloud compute
        double downlinkSeconds{0}; //!< Token id serialization + propagation
        double totalSeconds{0};    //!< The step with K devices (the bound above)
    };

    /// A setting evaluated (Evaluate), or the optimizer's answer (Optimize).
    struct Result
    {
        bool feasible{false}; //!< Every constraint holds (Optimize: an optimum was found)
        /// What binds when infeasible: "memory-reserve", "memory-weights",
        /// "memory-activation", "memory-kv", "context", "context-limit", "quality",
        /// "latency", "decisions" ("" when feasible)
        std::string binding;
        std::string reason; //!< Why infeasible, in words ("" when feasible)

        std::string model;     //!< Architecture name
        std::string objective; //!< "min-latency" or "max-quality"
        std::string metric;    //!< "tpot" or "total"

        Choice choice;                       //!< The setting (Optimize: the best, or the closest)
        uint64_t requiredContext{0};         //!< N_req, tokens
        uint64_t deviceMemoryBudget{0};      //!< M_max, bytes
        LlmSplitMemory::Breakdown memory;    //!< M_dev and its parts at N
        uint64_t kvBytesPerTokenPerLayer{0}; //!< 2·H_kv·D·Q_kv/8
        uint64_t kvBytesPerToken{0};         //!< ℓ·2·H_kv·D·Q_kv/8 (the device's blocks)
        std::optional<uint64_t> maxContext;  //!< N_max (nullopt: not even N = 0 fits)
        uint64_t modelWeightBytes{0};        //!< M(ℓ, Q_w1, Q_w2) of OPSC [paper]
        double quantizationRatio{0};         //!< Σ p_i·Q_i / Σ p_i·b_orig
        double deviceFlopsPerToken{0};       //!< Σ_{k≤ℓ} FLOPs_k
        double cloudFlopsPerToken{0};        //!< Σ_{k>ℓ} FLOPs_k

        uint64_t payloadBytesPerToken{0}; //!< Decode step (T = 1), bytes
        uint64_t payloadBytesPrefill{0};  //!< Prefill (T = P), bytes
        StepTime prefill;                 //!< The prefill's step (TTFT)
        StepTime decode;                  //!< A decode step (TPOT)
        double ttftSeconds{0};            //!< TTFT, s
        double tpotSeconds{0};            //!< TPOT, s
        double totalSeconds{0};           //!< TTFT + (G − 1)·TPOT, s
        double latencySeconds{0};         //!< The latency metric, s
        double cloudOnlyTtftSeconds{0};   //!< Cloud-only TTFT, s
        double cloudOnlyTpotSeconds{0};   //!< Cloud-only TPOT, s
        double cloudOnlyTotalSeconds{0};  //!< Cloud-only total, s
        double speedupVsCloudOnly{0};     //!< Cloud-only latency / latency (the metric)

        double weightErrorFront{0};     //!< Σ_{i≤ℓ} e_i(Q_w1)
        double weightErrorBack{0};      //!< Σ_{j>ℓ} e_j(Q_w2)
        double activationNmse{0};       //!< NMSE(b, ρ)
        double qualityProxy{0};         //!< The sum
        double qualityBudget{0};        //!< The budget
        double latencyBudgetSeconds{0}; //!< The latency budget, s

        uint64_t settingsTotal{0};     //!< Settings in the candidate space (Optimize)
        uint64_t settingsEvaluated{0}; //!< Settings evaluated after pruning (Optimize)
        double searchSeconds{0};       //!< Wall time of the search (Optimize), s

        /**
         * @brief Every field as JSON (snake_case keys; null for what is undefined).
         * @return a JSON object, indented by 2
         */
        std::string ToJson() const;
    };

    /**
     * @brief An optimizer for an architecture (its profile built from it).
     * @param arch the architecture
     * @param inputs the scenario (missing NMSE entries are calibrated here)
     * @throws LlmInputError on bad inputs or an architecture the memory model cannot use
     */
    LlmSplitOptimizer(const LlmArchitecture& arch, const Inputs& inputs);

    /**
     * @brief An optimizer for an architecture with a given profile.
     * @param arch the architecture
     * @param profile its layers (embedding, blocks, head)
     * @param inputs the scenario
     * @throws LlmInputError on bad inputs, an unusable architecture or a mismatched profile
     */
    LlmSplitOptimizer(const LlmArchitecture& arch, const LlmProfile& profile, const Inputs& inputs);

    /// @return the memory model
    const LlmSplitMemory& GetMemory() const;
    /// @return the inputs (with the NMSE table completed)
    const Inputs& GetInputs() const;

    /**
     * @brief The best setting, or why there is none.
     * @param fixed the decisions the caller fixes
     * @return the result (feasible = false: binding and reason say what rules everything out;
     *         choice and its figures are then the closest setting examined)
     * @throws LlmInputError on a fixed value out of range, or an activation setting whose NMSE
     *         cannot be calibrated (d > 65535)
     */
    Result Optimize(const Decisions& fixed = Decisions()) const;

    /**
     * @brief Evaluate one setting: every figure and whether each constraint holds.
     * @param choice the setting
     * @return the result (feasible, or the first violated constraint)
     * @throws LlmInputError on a value out of range
     */
    Result Evaluate(const Choice& choice) const;

    /**
     * @brief The candidates of each decision under fixed decisions.
     * @param fixed the fixed decisions
     * @return the activation settings searched (a fixed b outside the set gets each ρ of the
     *         set, or ρ = 0 at b = 16)
     */
    std::vector<ActivationSetting> ActivationCandidates(const Decisions& fixed) const;

    /**
     * @brief Measure NMSE(b, ρ) with LlmActivationCodec on a tensor (b = 16: 0).
     * @param x the activation (T × d, d ≤ 65535)
     * @param settings the settings
     * @return the table
     * @throws LlmInputError from the codec
     */
    static std::map<ActivationSetting, double> CalibrateActivation(
        const LlmTensor& x,
        const std::vector<ActivationSetting>& settings);

    /**
     * @brief The default calibration tensor: LlmSyntheticActivation with T tokens, width d,
     *        min(8, d) outlier channels of scale 100 and the seed.
     * @param hidden d
     * @param tokens T
     * @param seed the seed
     * @return the tensor
     */
    static LlmTensor CalibrationTensor(std::size_t hidden, std::size_t tokens, uint64_t seed);

    /**
     * @brief "min-latency" or "max-quality".
     * @param o the objective
     * @return its name
     */
    static std::string ToString(Objective o);

    /**
     * @brief "tpot" or "total".
     * @param m the metric
     * @return its name
     */
    static std::string ToString(LatencyMetric m);

  private:
    /// What the search compares, computed in O(1) from the tables.
    struct Score
    {
        uint64_t memoryBytes{0}; //!< M_dev
        double quality{0};       //!< Quality proxy
        double latency{0};       //!< The latency metric, s
    };

    /// Candidates of every decision.
    struct Candidates
    {
        std::vector<uint32_t> splits;               //!< ℓ, ascending
        std::vector<uint32_t> front;                //!< Q_w1, ascending
        std::vector<uint32_t> back;                 //!< Q_w2, ascending
        std::vector<uint32_t> kv;                   //!< Q_kv, ascending
        std::vector<ActivationSetting> activations; //!< (b, ρ), ascending
        uint64_t context{0};                        //!< N
    };

    /// Build the tables and complete the NMSE table.
    void Init();

    /**
     * @brief Candidates under fixed decisions (checked).
     * @param fixed the decisions
     * @return the candidates
     */
    Candidates MakeCandidates(const Decisions& fixed) const;

    /**
     * @brief Check a choice's values.
     * @param c the choice
     */
    void CheckChoice(const Choice& c) const;

    /**
     * @brief NMSE of settings, from the table; missing entries are calibrated together on the
     *        synthetic tensor.
     * @param settings the settings
     * @return NMSE per setting
     */
    std::vector<double> NmseOf(const std::vector<ActivationSetting>& settings) const;

    /**
     * @brief M_dev of a setting, from the tables.
     * @param split ℓ
     * @param frontBits Q_w1
     * @param kvBits Q_kv
     * @param n N
     * @return bytes (saturating)
     */
    uint64_t MemoryBytes(uint32_t split, uint32_t frontBits, uint32_t kvBits, uint64_t n) const;

    /**
     * @brief The device's KV cache, from the tables.
     * @param split ℓ
     * @param kvBits Q_kv
     * @param n N
     * @return bytes (saturating)
     */
    uint64_t KvBytes(uint32_t split, uint32_t kvBits, uint64_t n) const;

    /**
     * @brief Every figure of a setting, without the feasibility verdict.
     * @param c the setting
     * @param nmse its activation NMSE
     * @return the result
     */
    Result Fill(const Choice& c, double nmse) const;

    /**
     * @brief Which memory term makes a breakdown exceed M_max (added in the order reserve,
     *        weights, activation buffer, KV cache).
     * @param c the setting
     * @param m its breakdown
     * @param[out] binding "memory-reserve", "memory-weights", "memory-activation" or "memory-kv"
     * @return the explanation
     */
    std::string MemoryReason(const Choice& c,
                             const LlmSplitMemory::Breakdown& m,
                             std::string& binding) const;

    /**
     * @brief Weight error Σ_{i≤ℓ} e_i(Q_w1) + Σ_{j>ℓ} e_j(Q_w2).
     * @param split ℓ
     * @param frontBits Q_w1
     * @param backBits Q_w2
     * @param[out] front the front sum
     * @param[out] back the back sum
     */
    void WeightError(uint32_t split,
                     uint32_t frontBits,
                     uint32_t backBits,
                     double& front,
                     double& back) const;

    /**
     * @brief One step's latency.
     * @param c the setting
     * @param tokens T
     * @param decodeStep true for a decode step (the KV cache is read)
     * @return the step
     */
    StepTime Step(const Choice& c, uint64_t tokens, bool decodeStep) const;

    /**
     * @brief The objective's numbers of a setting.
     * @param c the setting
     * @param nmse its activation NMSE
     * @return the score
     */
    Score ScoreOf(const Choice& c, double nmse) const;

    /**
     * @brief Whether a is better than b (the order in the class comment).
     * @param a a scored setting
     * @param sa its score
     * @param b another
     * @param sb its score
     * @return true if a comes first
     */
    bool Precedes(const Choice& a, const Score& sa, const Choice& b, const Score& sb) const;

    /**
     * @brief The explanation when nothing is feasible.
     * @param cand the candidates
     * @param result filled with binding, reason and the closest setting
     */
    void Explain(const Candidates& cand, Result& result) const;

    LlmSplitMemory m_memory; //!< Memory model (architecture and profile)
    Inputs m_inputs;         //!< Inputs, NMSE table completed

    std::vector<double> m_flopsPrefix; //!< Σ_{i≤ℓ} FLOPs_i, ℓ = 0 ... L (with the embedding)
    std::vector<double> m_flopsSuffix; //!< Σ_{i>ℓ} FLOPs_i, ℓ = 0 ... L (with the head)
    double m_flopsTotal{0};            //!< Σ_i FLOPs_i
    /// Per width Q = 1 ... 32: Σ_{i≤ℓ} B_w(i; Q), ℓ = 0 ... L
    std::vector<std::vector<uint64_t>> m_weightPrefix;
    /// Per width Q = 1 ... 32: Σ_{i>ℓ} B_w(i; Q), ℓ = 0 ... L
    std::vector<std::vector<uint64_t>> m_weightSuffix;
    /// Per width Q = 1 ... 32: Σ_{i≤ℓ} e_i(Q), ℓ = 0 ... L
    std::vector<std::vector<double>> m_errorPrefix;
    /// Per width Q = 1 ... 32: Σ_{i>ℓ} e_i(Q), ℓ = 0 ... L
    std::vector<std::vector<double>> m_errorSuffix;
    std::vector<uint64_t> m_kvBitsPerToken; //!< Per Q_kv = 1 ... 32: 2·H_kv·D·Q_kv
    uint64_t m_activationBytes{0};          //!< B_act
    uint64_t m_requiredContext{0};          //!< N_req
};

} // namespace ns3

#endif // LLM_SPLIT_OPTIMIZER_H
