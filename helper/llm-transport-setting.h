// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TRANSPORT_SETTING_H
#define LLM_TRANSPORT_SETTING_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief How one simulated run carries the plan's traffic: transport, links, queues, the request
 *        source. Every program takes these as options (--mtu=9000); a sweep takes more of them
 *        as variants ("jumbo:mtu=9000,loss=1e-4"), each its own curve.
 *
 * Keys (option --key=value, or key=value in a variant): transport (tcp, udp), mtu (bytes),
 * ideal (0/1: no propagation delay), loss (packet error rate on every device),
 * congestion-control or cc (TCP variant, e.g. TcpCubic), queue (FIFO queue disc in front of
 * every device, e.g. 100p or 1MB), socket-buffer or buffer (TCP send and receive buffer,
 * bytes), d2d-delay and wan-delay (propagation delay of edge-edge and cloud links, s), d2d
 * (p2p, wifi-ac, wifi-ax), all-links (0/1), user (server behind which a user node holds the
 * request source) and requests (concurrent requests). Every value is parsed strictly.
 */
struct LlmTransportSetting
{
    std::string name{"tcp"};               //!< Curve label
    std::string transport{"tcp"};          //!< tcp or udp
    uint32_t mtu{1500};                    //!< Link MTU, bytes
    bool ideal{false};                     //!< No propagation delay at all
    double lossRate{0};                    //!< Packet error rate on every device (0: none)
    std::string congestionControl;         //!< TCP variant (e.g. "TcpCubic"; empty: ns-3's)
    std::string queueSize{"1000p"};        //!< FIFO queue disc in front of every device
    uint32_t socketBuffer{0};              //!< TCP SndBufSize and RcvBufSize, bytes (0: ns-3's)
    std::optional<double> d2dDelaySeconds; //!< Delay of edge-edge links (unset: scenario's)
    std::optional<double> wanDelaySeconds; //!< Delay of cloud links (unset: scenario's)
    std::string d2d{"p2p"};                //!< D2D medium: p2p, wifi-ac or wifi-ax
    bool allLinks{false};                  //!< Build every link, not only the plan's
    std::string user;                      //!< Server of the user node (empty: no user node)
    uint32_t requests{1};                  //!< Concurrent requests sharing the servers

    /// A key: its name, another name it answers to (may be empty), and its help text.
    struct Key
    {
        std::string name;  //!< Option and variant key, e.g. "socket-buffer"
        std::string alias; //!< Short variant key, e.g. "buffer" (empty: none)
        std::string help;  //!< Help text of the option
        bool isFlag;       //!< A 0/1 key: the bare option (--ideal) means 1
    };

    /// @return every key, in the order of the help text
    static const std::vector<Key>& Keys();

    /**
     * @brief Set one key from text, strictly.
     * @param key a key name or alias of Keys()
     * @param value the text ("" means 1 for a flag key)
     * @param field what errors name (e.g. "--mtu" or "--variants jumbo mtu")
     * @throws LlmInputError on an unknown key or a bad value
     */
    void Set(const std::string& key, const std::string& value, const std::string& field);

    /**
     * @brief Parse "name:key=value,..." on top of a base setting.
     * @param spec the text
     * @param base the values of the keys not given
     * @return the setting
     * @throws LlmInputError naming the key and what was expected
     */
    static LlmTransportSetting Parse(const std::string& spec, const LlmTransportSetting& base);

    /**
     * @brief Check the values together (e.g. a Wi-Fi MTU, a buffer of two MTUs).
     * @param where what to name in errors (e.g. "--variants jumbo")
     * @throws LlmInputError naming the field and what was expected
     */
    void Validate(const std::string& where) const;

    /// @return true if a key that shapes links or nodes (mtu, ideal, loss, queue, delays,
    ///         d2d, all-links, user) differs from its default
    bool ShapesTopology() const;
};

} // namespace ns3

#endif // LLM_TRANSPORT_SETTING_H
