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

    /**
     * @brief Failed tokens by reason: "timeout" (TokenTimeout expired), "lost" (a server
     *        reported a lost message), "unreachable" (the token's input could not be sent).
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
        Time tokenStarted;     //!< Start of the token in flight
        EventId timeout;       //!< Token timeout
        bool finished{false};  //!< All tokens done or failed
    };

    void StartRequest(uint32_t id);
    void SendToken(uint32_t id);
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
};

} // namespace ns3

#endif // EDGE_LLM_CLIENT_APPLICATION_H
