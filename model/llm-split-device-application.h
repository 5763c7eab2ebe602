// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_DEVICE_APPLICATION_H
#define LLM_SPLIT_DEVICE_APPLICATION_H

#include "llm-activation-header.h"
#include "llm-messenger.h"
#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief A memory-limited device of adaptive split computing (Sung et al., arXiv 2511.04002):
 *        it runs the front of the LLM and sends the activation of every step to the cloud.
 *
 * A request is a prompt of P tokens (PromptTokens) and G tokens to generate (Tokens). Step
 * w = 0 is the prefill, steps w = 1 ... G − 1 decode one token each; step w yields token w.
 *
 * SPLIT mode, per step: the memory check — StaticMemory + (P + w)·KvBytesPerToken ≤
 * MemoryBudget, else token w and every later token of the request fail with reason "memory"
 * (trace TokenFailed) and the request ends —, then the device's compute (PrefillCompute or
 * DecodeCompute, the device busy for that long), then the activation message (PrefillPayload
 * or DecodePayload bytes plus the LlmActivationHeader) to the cloud (Remote); when the token id
 * comes back, the next step starts at once.
 *
 * CLOUD_ONLY mode: the device sends the prompt's token ids (PromptBytes) once; the cloud
 * computes every step and streams the G token ids back. No compute, no KV cache, no memory check.
 *
 * Handshake (off by default): before its first request the device sends an empty message to
 * the cloud and waits for the cloud's empty answer, so that both TCP connections (device →
 * cloud and cloud → device; LlmMessenger opens one per direction) are open, as for a client
 * already served: the first request then pays no connection set-up, and the first ids of a
 * stream do not wait for the cloud's connection. The requests start when the answer arrives
 * (or when the messenger reports it cannot be sent, or after TokenTimeout).
 *
 * Requests run one at a time. ClosedLoop (default): request r + 1 arrives an InterArrival draw
 * after request r ended (a think time; 0: back to back). Open loop: arrivals are separated by
 * InterArrival draws from the start, and a request that arrives while another runs waits.
 * TTFT is measured from a request's arrival to its first token id, TPOT between consecutive
 * token ids of a request.
 *
 * A network failure (TCP connection failure: "unreachable"; the cloud reporting a lost
 * message: "lost"; no token id for TokenTimeout: "timeout") fails the token in flight and ends
 * the request: its remaining tokens fail with reason "aborted". Every token of every request
 * is counted completed or failed, never dropped silently.
 */
class LlmSplitDeviceApplication : public Application
{
  public:
    /// Who computes what.
    enum Mode
    {
        SPLIT,     //!< Front end on the device, activation to the cloud
        CLOUD_ONLY //!< Prompt ids to the cloud, the cloud computes and streams the ids
    };

    /// What happened to one request.
    struct RequestRecord
    {
        Time arrival;                 //!< Arrival of the request
        Time end;                     //!< When its last token finished (completed or failed)
        uint32_t completed{0};        //!< Tokens completed
        uint32_t failed{0};           //!< Tokens failed
        int64_t firstFailedToken{-1}; //!< Index of its first failed token (−1: none)
        std::string failReason;       //!< Reason of that failure (empty: none)
    };

    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    LlmSplitDeviceApplication();
    ~LlmSplitDeviceApplication() override;

    /**
     * @brief Assign fixed random streams to the random variables in use.
     * @param stream first stream index
     * @return the number of streams assigned
     */
    int64_t AssignStreams(int64_t stream);

    /// @return the messenger (transport)
    Ptr<LlmMessenger> GetMessenger() const;
    /// @return Requests × Tokens
    uint64_t GetTokensRequested() const;
    /// @return tokens whose id arrived
    uint64_t GetTokensCompleted() const;
    /// @return tokens failed
    uint64_t GetTokensFailed() const;
    /**
     * @brief Failed tokens by reason: "memory", "lost", "timeout", "unreachable", "aborted".
     * @return reason -> count
     */
    const std::map<std::string, uint64_t>& GetFailureCounts() const;
    /// @return requests ended (all their tokens completed or failed)
    uint32_t GetRequestsFinished() const;
    /// @return the time to first token of every request whose first token arrived
    const std::vector<Time>& GetTtfts() const;
    /// @return the time between consecutive token ids of a request, every decode token
    const std::vector<Time>& GetTpots() const;
    /// @return one record per request that has arrived
    const std::vector<RequestRecord>& GetRequests() const;
    /// @return the time the device spent computing
    Time GetBusyTime() const;

    /**
     * TracedCallback signature of a step or token event.
     * @param request request index on this device
     * @param token token index w
     */
    typedef void (*TokenTracedCallback)(uint32_t request, uint32_t token);

    /**
     * TracedCallback signature of a request's start.
     * @param request request index on this device
     * @param waited time it waited for the previous request (open loop; else 0)
     */
    typedef void (*RequestStartTracedCallback)(uint32_t request, Time waited);

    /**
     * TracedCallback signature of a token id's arrival.
     * @param request request index on this device
     * @param token token index w
     * @param latency time since its step started (w = 0: since the request arrived)
     */
    typedef void (*TokenDoneTracedCallback)(uint32_t request, uint32_t token, Time latency);

    /**
     * TracedCallback signature of a failed token.
     * @param request request index on this device
     * @param token token index w
     * @param reason memory, lost, timeout, unreachable or aborted
     */
    typedef void (*TokenFailedTracedCallback)(uint32_t request,
                                              uint32_t token,
                                              const std::string& reason);

    /**
     * TracedCallback signature of a request's end.
     * @param request request index on this device
     * @param duration time from its arrival to its end
     * @param completed tokens completed
     */
    typedef void (*RequestTracedCallback)(uint32_t request, Time duration, uint32_t completed);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// Schedule the request arrivals, from now.
    void StartArrivals();
    /// A request arrives (queued if another runs).
    void Arrive(uint32_t request);
    /// Start the next waiting request, if any and none runs.
    void StartNextRequest();
    /// Step m_token of the current request: memory check, then compute.
    void BeginStep();
    /// The step's compute ended: send its message.
    void SendStep();
    /// Arm the token timeout (if any) for the token in flight.
    void ArmTimeout();
    /**
     * @brief A message arrived from the cloud.
     * @param h its header
     * @param from the sender
     */
    void Receive(const LlmActivationHeader& h, const Address& from);
    /**
     * @brief The messenger could not deliver one of this device's messages.
     * @param h its header
     */
    void InputLost(const LlmActivationHeader& h);
    /**
     * @brief No token id for TokenTimeout.
     * @param request request index
     * @param token the token waited for
     */
    void TimedOut(uint32_t request, uint32_t token);
    /**
     * @brief Fail token m_token with a reason, every later token with laterReason, and end
     *        the request.
     * @param reason reason of the token in flight
     * @param laterReason reason of the tokens after it
     */
    void FailRest(const std::string& reason, const std::string& laterReason);
    /**
     * @brief Count one failed token.
     * @param token its index
     * @param reason why
     */
    void FailToken(uint32_t token, const std::string& reason);
    /// End the current request and go on.
    void FinishRequest();
    /// @return the header's request id of request r (device id in the upper 16 bits)
    uint32_t WireId(uint32_t r) const;

    Mode m_mode;                              //!< SPLIT or CLOUD_ONLY
    Address m_remote;                         //!< The cloud's messenger (InetSocketAddress)
    uint16_t m_port;                          //!< Port token ids are received on
    uint32_t m_deviceId;                      //!< Device index (request ids carry it)
    uint32_t m_splitLayer;                    //!< ℓ, decoder blocks on the device
    uint32_t m_promptTokens;                  //!< P
    uint32_t m_tokens;                        //!< G
    uint32_t m_requests;                      //!< Requests
    bool m_closedLoop;                        //!< Arrivals after the previous request's end
    Ptr<RandomVariableStream> m_interArrival; //!< Think time or inter-arrival time, s
    Time m_prefillCompute;                    //!< Device compute of the prefill
    Time m_decodeCompute;                     //!< Device compute of one decode step
    uint32_t m_prefillPayload;                //!< Activation bytes of the prefill
    uint32_t m_decodePayload;                 //!< Activation bytes of a decode step
    uint32_t m_promptBytes;                   //!< CLOUD_ONLY: prompt bytes
    uint64_t m_memoryBudget;                  //!< M_max, bytes
    uint64_t m_staticMemory;                  //!< Weights + buffers + reserve, bytes
    uint64_t m_kvBytesPerToken;               //!< KV cache per context token, bytes
    double m_paceBps;                         //!< UDP pacing rate of the uplink, bit/s
    Time m_tokenTimeout;                      //!< Token timeout (0: none)
    bool m_handshake;                         //!< Open the connections before the 1st request
    bool m_waitingHello{false};               //!< Waiting for the cloud's answer
    Ptr<LlmMessenger> m_messenger;            //!< Transport

    std::deque<uint32_t> m_waiting;             //!< Requests arrived, not started
    std::vector<EventId> m_arrivalEvents;       //!< Pending arrivals
    std::vector<RequestRecord> m_records;       //!< Per request
    bool m_active{false};                       //!< A request runs
    uint32_t m_request{0};                      //!< The running request
    uint32_t m_token{0};                        //!< Token in flight (next id expected)
    bool m_previousDone{false};                 //!< Token m_token − 1 completed
    Time m_lastTokenTime;                       //!< Arrival of the last token id
    Time m_stepStart;                           //!< Start of the step in flight
    EventId m_computeEvent;                     //!< End of the device's compute
    EventId m_timeoutEvent;                     //!< Token timeout
    uint32_t m_arrived{0};                      //!< Requests arrived
    uint32_t m_finished{0};                     //!< Requests ended
    uint64_t m_completed{0};                    //!< Tokens completed
    uint64_t m_failed{0};                       //!< Tokens failed
    std::map<std::string, uint64_t> m_failedBy; //!< Tokens failed by reason
    std::vector<Time> m_ttfts;                  //!< Times to first token
    std::vector<Time> m_tpots;                  //!< Times per output token
    Time m_busy;                                //!< Device compute time

    TracedCallback<uint32_t, Time> m_requestStartTrace;        //!< A request started
    TracedCallback<uint32_t, uint32_t> m_stepStartTrace;       //!< A step's compute started
    TracedCallback<const LlmActivationHeader&> m_sentTrace;    //!< A message was sent
    TracedCallback<uint32_t, uint32_t, Time> m_tokenDoneTrace; //!< A token arrived
    TracedCallback<uint32_t, uint32_t, const std::string&> m_tokenFailedTrace; //!< Token failed
    TracedCallback<uint32_t, Time, uint32_t> m_requestDoneTrace;               //!< A request ended
    TracedCallback<> m_allDoneTrace; //!< Every request ended
};

} // namespace ns3

#endif // LLM_SPLIT_DEVICE_APPLICATION_H
