// SPDX-License-Identifier: GPL-2.0-only

#ifndef EDGE_LLM_CLIENT_APPLICATION_H
#define EDGE_LLM_CLIENT_APPLICATION_H

#include "llm-activation-header.h"
#include "llm-messenger.h"
#include "llm-pipeline.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/random-variable-stream.h"
#include "ns3/traced-callback.h"

#include <map>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The request source: generates n tokens autoregressively for each request.
 *
 * Each request sends its token's input (β token ids) to the first layer's server; when the
 * last layer's result for token t returns, token t+1 starts, until n tokens are done. Requests
 * start at the application's start time, separated by InterArrival draws (all at once by
 * default), and share the servers (whose FIFO queues interleave them). A token whose message
 * was lost (UDP) is reported failed (by the server that detected it, or by TokenTimeout) and
 * the request moves on.
 *
 * Server failures (SetFailureCallbacks, FailureTimeout > 0): a request whose token (or replay)
 * has no result for FailureTimeout asks the failure detector which servers of its pipeline
 * failed; if any did, the client re-plans through the Replan callback (a new pipeline without
 * them, on new ports: results of the old plan are never delivered), then every unfinished
 * request rebuilds its KV cache on the new pipeline by replaying its t tokens generated so far
 * (one REPLAY pass through every layer, each job t times a token's compute) and sends token t
 * again. Without a pipeline (the client's access server failed, or no placement on the
 * remaining servers) every remaining token fails with reason "no-path". A token completes once
 * or fails once, with a reason.
 */
class EdgeLlmClientApplication : public Application
{
  public:
    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    EdgeLlmClientApplication();
    ~EdgeLlmClientApplication() override;

    /**
     * @brief Give the client its placement.
     * @param pipeline the shared pipeline of the plan
     */
    void SetPipeline(Ptr<const LlmPipeline> pipeline);

    /// The failure detector: the servers of the current pipeline that failed since it was
    /// installed (down, or back without their state); empty if none.
    using FailureDetectorCallback = Callback<std::vector<uint32_t>>;
    /// Re-plan without the given failed servers: a new pipeline (with a higher epoch and its own
    /// ports, its servers already running it), or null if there is none.
    using ReplanCallback = Callback<Ptr<const LlmPipeline>, const std::vector<uint32_t>&>;

    /**
     * @brief Enable recovery from server failures (with FailureTimeout > 0).
     * @param detect the failure detector
     * @param replan the re-planner
     */
    void SetFailureCallbacks(FailureDetectorCallback detect, ReplanCallback replan);

    /**
     * @brief Switch now to a new pipeline for a migration (reason "migration", not a
     *        failure): as after a failure re-plan, every unfinished request replays its
     *        tokens so far on the new pipeline (rebuilding the KV caches), then resends its
     *        token in flight; the new pipeline's servers must already run it
     *        (LlmPlacementHelper::Migrate). Counts as a re-plan.
     * @param next the new pipeline (a higher epoch, its own ports)
     * @return false (nothing changed) if next is null, the client has not started, no path
     *         is left, or a failure re-plan is pending
     */
    bool Migrate(Ptr<const LlmPipeline> next);

    /// @return the pipeline in use (the latest re-plan's)
    Ptr<const LlmPipeline> GetPipeline() const;
    /// @return re-plans made
    uint32_t GetReplans() const;
    /// @return simulated time spent replaying (from each REPLAY sent to its REPLAY_DONE), summed
    ///         over requests and re-plans
    Time GetReplayTime() const;
    /// @return replays completed
    uint64_t GetReplays() const;

    /**
     * @brief Assign fixed random streams to the random variables in use.
     * @param stream first stream index
     * @return the number of streams assigned
     */
    int64_t AssignStreams(int64_t stream);

    /// @return the messenger (transport)
    Ptr<LlmMessenger> GetMessenger() const;
    /// @return tokens started
    uint64_t GetTokensStarted() const;
    /// @return tokens completed
    uint64_t GetTokensCompleted() const;
    /// @return tokens reported failed
    uint64_t GetTokensFailed() const;
    /// @return the tokens a switch of pipeline now would replay: Σ over the begun, unfinished
    ///         requests of the tokens before the one in flight
    uint64_t GetTokensToReplay() const;

    /**
     * @brief Failed tokens by reason: "timeout" (TokenTimeout expired), "lost" (a server
     *        reported a lost message), "unreachable" (the token's input could not be sent),
     *        "no-path" (after a server failure: no pipeline reaches the client).
     * @return reason -> count
     */
    const std::map<std::string, uint64_t>& GetFailureCounts() const;
    /// @return requests whose n tokens are all finished (done or failed)
    uint32_t GetRequestsFinished() const;
    /// @return time from the first request's start to the last request's end (0 until every
    ///         request has finished)
    Time GetCompletionTime() const;
    /// @return latency of every completed token, in completion order
    const std::vector<Time>& GetTokenLatencies() const;

    /**
     * TracedCallback signature of a token's completion.
     * @param request request id
     * @param token token index
     * @param latency time from sending the token's input to its result
     */
    typedef void (*TokenTracedCallback)(uint32_t request, uint32_t token, Time latency);

    /**
     * TracedCallback signature of a token's start or failure.
     * @param request request id
     * @param token token index
     */
    typedef void (*TokenFailedTracedCallback)(uint32_t request, uint32_t token);

    /**
     * TracedCallback signature of a request's completion.
     * @param request request id
     * @param duration time from its first token's start to its last token's end
     */
    typedef void (*RequestTracedCallback)(uint32_t request, Time duration);

    /**
     * TracedCallback signature of a re-plan.
     * @param epoch the new pipeline's epoch
     * @param failed the failed servers it avoids (scenario indices)
     */
    typedef void (*ReplanTracedCallback)(uint32_t epoch, const std::vector<uint32_t>& failed);

    /**
     * TracedCallback signature of a finished replay.
     * @param request request id
     * @param tokens tokens replayed
     * @param duration from the REPLAY sent to its REPLAY_DONE
     */
    typedef void (*ReplayTracedCallback)(uint32_t request, uint32_t tokens, Time duration);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// State of one request.
    struct Request
    {
        uint32_t nextToken{0}; //!< Token in flight (or next to start)
        Time started;          //!< Start of the request
        Time tokenStarted;     //!< First send of the token in flight
        EventId timeout;       //!< Token timeout
        EventId watchdog;      //!< Failure timeout
        bool begun{false};     //!< The request started
        bool replaying{false}; //!< A replay is in flight (the token waits for it)
        Time replayStarted;    //!< When the replay in flight was sent
        bool finished{false};  //!< All tokens done or failed
    };

    void StartRequest(uint32_t id);
    /**
     * @brief Send the token in flight of a request to the first layer's server.
     * @param id request
     * @param retry a resend after a re-plan (the token keeps its start and is counted once)
     */
    void SendToken(uint32_t id, bool retry = false);
    /**
     * @brief Send a request's replay: its nextToken tokens through the new pipeline.
     * @param id request
     */
    void StartReplay(uint32_t id);
    /// (Re)arm the failure timeout of a request.
    void ArmWatchdog(uint32_t id);
    /// The failure timeout of a request expired.
    void Watchdog(uint32_t id);
    /**
     * @brief Ask the failure detector; re-plan if a server of the pipeline failed.
     * @return true if a failure was found (a re-plan follows at once, out of the caller)
     */
    bool CheckFailures();
    /**
     * @brief Re-plan without the failed servers and restart every unfinished request on the
     *        new pipeline (replay, then its token), or fail their tokens ("no-path").
     * @param failed the failed servers the detector reported
     */
    void Replan(std::vector<uint32_t> failed);
    /**
     * @brief Install a new pipeline and restart every unfinished request on it (replay, then
     *        its token).
     * @param next the new pipeline
     * @param failed the failed servers it avoids (empty for a migration)
     */
    void SwitchPipeline(Ptr<const LlmPipeline> next, const std::vector<uint32_t>& failed);
    /**
     * @brief Every remaining token of a started, unfinished request fails with a reason.
     * @param id request
     * @param reason the reason
     */
    void FailRemaining(uint32_t id, const std::string& reason);
    /// Count a token's end (completed or failed) and fire its trace.
    void RecordToken(uint32_t id, uint32_t token, bool ok, const std::string& reason);
    /// A request finished all its tokens.
    void FinishRequest(uint32_t id);
    void Receive(const LlmActivationHeader& header, const Address& from);
    /**
     * @brief A token ended.
     * @param id request
     * @param token token index
     * @param ok completed (else failed)
     * @param reason why it failed (ignored when ok)
     */
    void TokenFinished(uint32_t id, uint32_t token, bool ok, const std::string& reason = "");
    /**
     * @brief The client's own messenger lost a message (its token's input).
     * @param h the lost message's header
     */
    void InputLost(const LlmActivationHeader& h);
    void TokenTimedOut(uint32_t id, uint32_t token);

    uint32_t m_tokens;                          //!< n
    uint32_t m_requests;                        //!< Concurrent requests
    Ptr<RandomVariableStream> m_interArrival;   //!< Time between request starts, s
    Time m_tokenTimeout;                        //!< Token timeout (0: none)
    Time m_failureTimeout;                      //!< Failure detection timeout (0: none)
    FailureDetectorCallback m_detect;           //!< Failure detector
    ReplanCallback m_replan;                    //!< Re-planner
    uint32_t m_replans{0};                      //!< Re-plans made
    uint64_t m_replays{0};                      //!< Replays completed
    Time m_replayTime;                          //!< Σ of replay durations
    bool m_noPath{false};                       //!< No pipeline reaches the client any more
    bool m_replanPending{false};                //!< A re-plan is scheduled
    uint16_t m_port;                            //!< Port for results
    Ptr<LlmMessenger> m_messenger;              //!< Transport
    Ptr<const LlmPipeline> m_pipeline;          //!< The placement
    std::vector<Request> m_state;               //!< Per request
    std::vector<EventId> m_startEvents;         //!< Pending request starts
    uint64_t m_started{0};                      //!< Tokens started
    uint64_t m_completed{0};                    //!< Tokens done
    uint64_t m_failed{0};                       //!< Tokens failed
    std::map<std::string, uint64_t> m_failedBy; //!< Tokens failed, by reason
    uint32_t m_finished{0};                     //!< Requests finished
    Time m_firstStart;                          //!< First request start
    Time m_lastEnd;                             //!< Last request end
    std::vector<Time> m_latencies;              //!< Token latencies

    TracedCallback<uint32_t, uint32_t> m_tokenStartTrace;      //!< A token started
    TracedCallback<uint32_t, uint32_t, Time> m_tokenDoneTrace; //!< A token completed
    TracedCallback<uint32_t, uint32_t> m_tokenFailedTrace;     //!< A token failed
    TracedCallback<uint32_t, Time> m_requestDoneTrace;         //!< A request finished
    TracedCallback<> m_allDoneTrace;                           //!< Every request finished
    TracedCallback<uint32_t, const std::vector<uint32_t>&> m_replanTrace; //!< A re-plan
    TracedCallback<uint32_t, uint32_t, Time> m_replayDoneTrace;           //!< A replay ended
};

} // namespace ns3

#endif // EDGE_LLM_CLIENT_APPLICATION_H
