// The /metrics page render_metrics() made of golden_snapshot() (metrics_golden_test.cc)
// with the renderer of 2026-12-01, before it stopped building a std::string per label
// set: generated once from that renderer, never edited by hand.
#pragma once

inline constexpr const char kGoldenMetrics[] = R"golden(# HELP sentinel_build_info The running sentinel's version; always 1
# TYPE sentinel_build_info gauge
sentinel_build_info{version="0.1.0 \"rc\\1\""} 1
# HELP sentinel_process_start_time_seconds Start time of the sentinel process since the unix epoch, in seconds
# TYPE sentinel_process_start_time_seconds gauge
sentinel_process_start_time_seconds 1764626400.25
# HELP sentinel_epoch The cluster epoch (raised on every change of master)
# TYPE sentinel_epoch gauge
sentinel_epoch 12
# HELP sentinel_state_file_ok 0 while the state file cannot be saved (nothing is published or acted on)
# TYPE sentinel_state_file_ok gauge
sentinel_state_file_ok 1
# HELP sentinel_probes_total Probes run, every check of every node
# TYPE sentinel_probes_total counter
sentinel_probes_total 123456789
# HELP sentinel_node_up 1 when every check of the node is up
# TYPE sentinel_node_up gauge
sentinel_node_up{node="lb1"} 1
sentinel_node_up{node="lb\"2\\x\ny"} 0
# HELP sentinel_node_master 1 for the node that holds the master role
# TYPE sentinel_node_master gauge
sentinel_node_master{node="lb1"} 1
sentinel_node_master{node="lb\"2\\x\ny"} 0
# HELP sentinel_node_role The node's role as sentinel status shows it (master, replica, master-down, drained, damped, stepping-down, down, unknown); always 1
# TYPE sentinel_node_role gauge
sentinel_node_role{node="lb1",role="master"} 1
sentinel_node_role{node="lb\"2\\x\ny",role="master-down"} 1
# HELP sentinel_node_in_service 1 when the node carries traffic (up, undrained, not damped, owes no step-down)
# TYPE sentinel_node_in_service gauge
sentinel_node_in_service{node="lb1"} 1
sentinel_node_in_service{node="lb\"2\\x\ny"} 0
# HELP sentinel_node_drained 1 when the operator drained the node
# TYPE sentinel_node_drained gauge
sentinel_node_drained{node="lb1"} 0
sentinel_node_drained{node="lb\"2\\x\ny"} 1
# HELP sentinel_node_damping_penalty The node's flap damping penalty now (held out of service above the suppress threshold until it decays below reuse)
# TYPE sentinel_node_damping_penalty gauge
sentinel_node_damping_penalty{node="lb1"} 0
sentinel_node_damping_penalty{node="lb\"2\\x\ny"} 1234.5678
# HELP sentinel_check_state 1 for the check's current state (up, down, or unknown while deciding), 0 for the others
# TYPE sentinel_check_state gauge
sentinel_check_state{node="lb1",check="dns",state="up"} 1
sentinel_check_state{node="lb1",check="dns",state="down"} 0
sentinel_check_state{node="lb1",check="dns",state="unknown"} 0
sentinel_check_state{node="lb1",check="http",state="up"} 1
sentinel_check_state{node="lb1",check="http",state="down"} 0
sentinel_check_state{node="lb1",check="http",state="unknown"} 0
sentinel_check_state{node="lb1",check="http_2",state="up"} 0
sentinel_check_state{node="lb1",check="http_2",state="down"} 0
sentinel_check_state{node="lb1",check="http_2",state="unknown"} 1
sentinel_check_state{node="lb\"2\\x\ny",check="tcp",state="up"} 0
sentinel_check_state{node="lb\"2\\x\ny",check="tcp",state="down"} 1
sentinel_check_state{node="lb\"2\\x\ny",check="tcp",state="unknown"} 0
# HELP sentinel_probe_results_total Probe results by outcome: ok, or why the probe failed
# TYPE sentinel_probe_results_total counter
sentinel_probe_results_total{node="lb1",check="dns",result="ok"} 40
sentinel_probe_results_total{node="lb1",check="dns",result="timeout"} 1
sentinel_probe_results_total{node="lb1",check="dns",result="refused"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="reset"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="unreachable"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="bad_response"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="dns_rcode"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="not_authoritative"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="tls"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="certificate"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="http_status"} 0
sentinel_probe_results_total{node="lb1",check="dns",result="error"} 0
sentinel_probe_results_total{node="lb1",check="http",result="ok"} 3
sentinel_probe_results_total{node="lb1",check="http",result="timeout"} 0
sentinel_probe_results_total{node="lb1",check="http",result="refused"} 0
sentinel_probe_results_total{node="lb1",check="http",result="reset"} 0
sentinel_probe_results_total{node="lb1",check="http",result="unreachable"} 0
sentinel_probe_results_total{node="lb1",check="http",result="bad_response"} 0
sentinel_probe_results_total{node="lb1",check="http",result="dns_rcode"} 0
sentinel_probe_results_total{node="lb1",check="http",result="not_authoritative"} 0
sentinel_probe_results_total{node="lb1",check="http",result="tls"} 0
sentinel_probe_results_total{node="lb1",check="http",result="certificate"} 0
sentinel_probe_results_total{node="lb1",check="http",result="http_status"} 0
sentinel_probe_results_total{node="lb1",check="http",result="error"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="ok"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="timeout"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="refused"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="reset"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="unreachable"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="bad_response"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="dns_rcode"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="not_authoritative"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="tls"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="certificate"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="http_status"} 0
sentinel_probe_results_total{node="lb1",check="http_2",result="error"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="ok"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="timeout"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="refused"} 7
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="reset"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="unreachable"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="bad_response"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="dns_rcode"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="not_authoritative"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="tls"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="certificate"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="http_status"} 0
sentinel_probe_results_total{node="lb\"2\\x\ny",check="tcp",result="error"} 2
# HELP sentinel_probe_duration_seconds Time from starting a probe to its result, failures included
# TYPE sentinel_probe_duration_seconds histogram
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.0005"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.001"} 2
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.0025"} 2
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.005"} 3
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.01"} 3
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.025"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.05"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.1"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.25"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="0.5"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="1"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="2.5"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="5"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="dns",le="+Inf"} 4
sentinel_probe_duration_seconds_sum{node="lb1",check="dns"} 0.024300000000000002
sentinel_probe_duration_seconds_count{node="lb1",check="dns"} 4
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.0005"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.001"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.0025"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.005"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.01"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.025"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.05"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.1"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.25"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="0.5"} 1
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="1"} 2
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="2.5"} 2
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="5"} 2
sentinel_probe_duration_seconds_bucket{node="lb1",check="http",le="+Inf"} 3
sentinel_probe_duration_seconds_sum{node="lb1",check="http"} 8.201
sentinel_probe_duration_seconds_count{node="lb1",check="http"} 3
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.0005"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.001"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.0025"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.005"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.01"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.025"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.05"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.1"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.25"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="0.5"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="1"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="2.5"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="5"} 0
sentinel_probe_duration_seconds_bucket{node="lb1",check="http_2",le="+Inf"} 0
sentinel_probe_duration_seconds_sum{node="lb1",check="http_2"} 0
sentinel_probe_duration_seconds_count{node="lb1",check="http_2"} 0
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.0005"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.001"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.0025"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.005"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.01"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.025"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.05"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.1"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.25"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="0.5"} 1
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="1"} 3
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="2.5"} 3
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="5"} 3
sentinel_probe_duration_seconds_bucket{node="lb\"2\\x\ny",check="tcp",le="+Inf"} 3
sentinel_probe_duration_seconds_sum{node="lb\"2\\x\ny",check="tcp"} 1.5001
sentinel_probe_duration_seconds_count{node="lb\"2\\x\ny",check="tcp"} 3
# HELP sentinel_failovers_total Completed changes of master by cause (master_down, master_damped, manual_promote, drain)
# TYPE sentinel_failovers_total counter
sentinel_failovers_total{cause="master_down"} 2
sentinel_failovers_total{cause="master_damped"} 0
sentinel_failovers_total{cause="manual_promote"} 1
sentinel_failovers_total{cause="drain"} 0
# HELP sentinel_failover_duration_seconds Automatic failovers: from the master's health turning down to the new records read back from every dnsd that is not down itself
# TYPE sentinel_failover_duration_seconds histogram
sentinel_failover_duration_seconds_bucket{le="0.1"} 0
sentinel_failover_duration_seconds_bucket{le="0.25"} 0
sentinel_failover_duration_seconds_bucket{le="0.5"} 1
sentinel_failover_duration_seconds_bucket{le="1"} 1
sentinel_failover_duration_seconds_bucket{le="2"} 2
sentinel_failover_duration_seconds_bucket{le="5"} 2
sentinel_failover_duration_seconds_bucket{le="10"} 2
sentinel_failover_duration_seconds_bucket{le="30"} 2
sentinel_failover_duration_seconds_bucket{le="60"} 2
sentinel_failover_duration_seconds_bucket{le="120"} 2
sentinel_failover_duration_seconds_bucket{le="+Inf"} 3
sentinel_failover_duration_seconds_sum 302
sentinel_failover_duration_seconds_count 3
# HELP sentinel_dnsd_in_sync 1 when the last publish or reconcile read this node's dnsd records back as desired
# TYPE sentinel_dnsd_in_sync gauge
sentinel_dnsd_in_sync{node="lb1"} 1
sentinel_dnsd_in_sync{node="lb\"2\\x\ny"} 0
# HELP sentinel_published_nodes dnsd nodes serving the desired records (N of "published on N/M")
# TYPE sentinel_published_nodes gauge
sentinel_published_nodes 1
# HELP sentinel_dnsd_nodes dnsd nodes sentinel publishes to (M of "published on N/M")
# TYPE sentinel_dnsd_nodes gauge
sentinel_dnsd_nodes 2
# HELP sentinel_reconcile_repairs_total dnsd nodes a reconcile found not serving the desired records and rewrote
# TYPE sentinel_reconcile_repairs_total counter
sentinel_reconcile_repairs_total 4
# HELP sentinel_delegation_in_sync 1 when the parent zone's delegation, as last read back, is the apex NS set
# TYPE sentinel_delegation_in_sync gauge
sentinel_delegation_in_sync 0
# HELP sentinel_parent_updates_total Updates of the parent zone's delegation it accepted
# TYPE sentinel_parent_updates_total counter
sentinel_parent_updates_total 9
# HELP sentinel_parent_update_refusals_total Updates of the parent zone's delegation it refused, by rcode (a TSIG error such as BADKEY in place of the NOTAUTH it comes with)
# TYPE sentinel_parent_update_refusals_total counter
sentinel_parent_update_refusals_total{rcode="REFUSED"} 0
sentinel_parent_update_refusals_total{rcode="NOTAUTH"} 3
sentinel_parent_update_refusals_total{rcode="BADKEY"} 0
sentinel_parent_update_refusals_total{rcode="BADSIG"} 0
sentinel_parent_update_refusals_total{rcode="BADTIME"} 1
)golden";
