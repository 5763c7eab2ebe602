// SPDX-License-Identifier: GPL-2.0-only

#include "llm-compute-queue.h"

#include "edge-llm-compat.h"
#include "ns3/log.h"
#include "ns3/simulator.h"

#include <algorithm>
#include <limits>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmComputeQueue");

NS_OBJECT_ENSURE_REGISTERED(LlmComputeQueue);

TypeId
LlmComputeQueue::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LlmComputeQueue")
            .SetParent<Object>()
            .SetGroupName("EdgeLlm")
            .AddConstructor<LlmComputeQueue>()
            .AddAttribute("Discipline",
                          "The order jobs of different owners (models) get the node: Fifo "
                          "(submission order) or RoundRobin (one job per owner in turn); one "
                          "job at a time, non-preemptive.",
                          EdgeLlmEnumValue<Discipline>(FIFO),
                          EdgeLlmMakeEnumAccessor<Discipline>(&LlmComputeQueue::m_discipline),
                          MakeEnumChecker(FIFO, "Fifo", ROUND_ROBIN, "RoundRobin"))
            .AddTraceSource("JobStart",
                            "A job got the node (owner, request, token, layer).",
                            MakeTraceSourceAccessor(&LlmComputeQueue::m_jobStartTrace),
                            "ns3::LlmComputeQueue::JobTracedCallback")
            .AddTraceSource("JobEnd",
                            "A job ended and released the node (owner, request, token, layer).",
                            MakeTraceSourceAccessor(&LlmComputeQueue::m_jobEndTrace),
                            "ns3::LlmComputeQueue::JobTracedCallback")
            .AddTraceSource("QueueingDelay",
                            "A job got the node after waiting this long since its submission "
                            "(owner, delay).",
                            MakeTraceSourceAccessor(&LlmComputeQueue::m_queueingTrace),
                            "ns3::LlmComputeQueue::QueueingTracedCallback");
    return tid;
}

LlmComputeQueue::LlmComputeQueue()
    : m_discipline(FIFO)
    , m_lastServed(std::numeric_limits<std::size_t>::max())
{
    NS_LOG_FUNCTION(this);
}

LlmComputeQueue::~LlmComputeQueue()
{
    NS_LOG_FUNCTION(this);
}

void
LlmComputeQueue::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_owners.clear();
    m_order.clear();
    m_waiting = 0;
    m_busy = false;
    Object::DoDispose();
}

void
LlmComputeQueue::AddOwner(uint32_t owner, Callback<void> granted)
{
    NS_LOG_FUNCTION(this << owner);
    Owner& o = m_owners[owner];
    if (std::find(m_order.begin(), m_order.end(), owner) == m_order.end())
    {
        m_order.push_back(owner);
    }
    o.granted = granted;
    o.active = true;
    m_stats[owner]; // listed from now on, even without a job
}

void
LlmComputeQueue::RemoveOwner(uint32_t owner)
{
    NS_LOG_FUNCTION(this << owner);
    auto it = m_owners.find(owner);
    if (it == m_owners.end() || !it->second.active)
    {
        return;
    }
    it->second.active = false;
    it->second.granted = Callback<void>();
    Drop(owner);
}

void
LlmComputeQueue::Drop(uint32_t owner)
{
    NS_LOG_FUNCTION(this << owner);
    auto it = m_owners.find(owner);
    if (it == m_owners.end())
    {
        return;
    }
    m_waiting -= it->second.waiting.size();
    it->second.waiting.clear();
    if (m_busy && m_current.owner == owner)
    {
        Free(false);
        GrantNext();
    }
}

bool
LlmComputeQueue::HasOwner(uint32_t owner) const
{
    auto it = m_owners.find(owner);
    return it != m_owners.end() && it->second.active;
}

void
LlmComputeQueue::Submit(uint32_t owner, uint32_t request, uint32_t token, uint32_t layer)
{
    NS_LOG_FUNCTION(this << owner << request << token << layer);
    auto it = m_owners.find(owner);
    NS_ABORT_MSG_IF(it == m_owners.end() || !it->second.active,
                    "LlmComputeQueue::Submit for unregistered owner " << owner);
    Job job;
    job.owner = owner;
    job.request = request;
    job.token = token;
    job.layer = layer;
    job.submitted = Simulator::Now();
    job.sequence = m_sequence++;
    it->second.waiting.push_back(job);
    ++m_waiting;
    GrantNext();
}

void
LlmComputeQueue::Release(uint32_t owner)
{
    NS_LOG_FUNCTION(this << owner);
    NS_ABORT_MSG_IF(!m_busy || m_current.owner != owner,
                    "LlmComputeQueue::Release by owner " << owner << ", which does not hold the "
                                                         << "node");
    Free(true);
    GrantNext();
}

void
LlmComputeQueue::Free(bool completed)
{
    const double held = (Simulator::Now() - m_grantedAt).GetSeconds();
    m_busySeconds += held;
    OwnerStats& st = m_stats[m_current.owner];
    st.busySeconds += held;
    m_busy = false;
    if (completed)
    {
        ++m_jobsCompleted;
        ++st.jobsCompleted;
        m_jobEndTrace(m_current.owner, m_current.request, m_current.token, m_current.layer);
    }
}

std::size_t
LlmComputeQueue::PickOwner() const
{
    const std::size_t n = m_order.size();
    if (m_discipline == ROUND_ROBIN)
    {
        // The first owner with a job waiting after the one served last, cyclically.
        const std::size_t from = m_lastServed < n ? m_lastServed + 1 : 0;
        for (std::size_t k = 0; k < n; ++k)
        {
            const std::size_t i = (from + k) % n;
            if (!m_owners.at(m_order[i]).waiting.empty())
            {
                return i;
            }
        }
        return n;
    }
    // FIFO: the owner whose oldest waiting job was submitted first.
    std::size_t best = n;
    uint64_t bestSequence = std::numeric_limits<uint64_t>::max();
    for (std::size_t i = 0; i < n; ++i)
    {
        const auto& waiting = m_owners.at(m_order[i]).waiting;
        if (!waiting.empty() && waiting.front().sequence < bestSequence)
        {
            best = i;
            bestSequence = waiting.front().sequence;
        }
    }
    return best;
}

void
LlmComputeQueue::GrantNext()
{
    if (m_busy || m_waiting == 0)
    {
        return;
    }
    const std::size_t i = PickOwner();
    NS_ASSERT(i < m_order.size());
    Owner& o = m_owners.at(m_order[i]);
    m_lastServed = i;
    m_current = o.waiting.front();
    o.waiting.pop_front();
    --m_waiting;
    m_busy = true;
    m_grantedAt = Simulator::Now();
    const Time wait = m_grantedAt - m_current.submitted;
    OwnerStats& st = m_stats[m_current.owner];
    ++st.jobs;
    st.queueingSumSeconds += wait.GetSeconds();
    st.queueingMaxSeconds = std::max(st.queueingMaxSeconds, wait.GetSeconds());
    m_queueingTrace(m_current.owner, wait);
    m_jobStartTrace(m_current.owner, m_current.request, m_current.token, m_current.layer);
    if (!o.granted.IsNull())
    {
        o.granted();
    }
}

LlmComputeQueue::Discipline
LlmComputeQueue::GetDiscipline() const
{
    return m_discipline;
}

double
LlmComputeQueue::GetBusySeconds() const
{
    return m_busySeconds;
}

uint64_t
LlmComputeQueue::GetJobsCompleted() const
{
    return m_jobsCompleted;
}

std::size_t
LlmComputeQueue::GetQueueLength() const
{
    return m_waiting;
}

std::size_t
LlmComputeQueue::GetWaiting(uint32_t owner) const
{
    auto it = m_owners.find(owner);
    return it == m_owners.end() ? 0 : it->second.waiting.size();
}

bool
LlmComputeQueue::IsBusy() const
{
    return m_busy;
}

const std::map<uint32_t, LlmComputeQueue::OwnerStats>&
LlmComputeQueue::GetOwnerStats() const
{
    return m_stats;
}

} // namespace ns3
