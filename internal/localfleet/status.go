/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
package localfleet

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/components"
	"kurator.dev/kurator/internal/localcluster"
)

// ComponentStatus is one line of 'kurator status'.
type ComponentStatus struct {
	Name     string
	Kind     string
	PID      int
	Endpoint string
	Healthy  bool
	Message  string
}

// Status probes every component of the fleet.
func (f *Fleet) Status(ctx context.Context) ([]ComponentStatus, error) {
	s, err := f.State()
	if err != nil {
		return nil, err
	}
	out := make([]ComponentStatus, 0, len(s.Clusters)+1)
	joined := f.joinedNames(ctx)
	clusters := s.Clusters
	if s.HA != nil {
		out = append(out, f.balancerStatus(s))
		clusters = append(slices.Clone(s.HA.ControlPlanes), s.Clusters[1:]...)
	}
	for _, c := range clusters {
		st := ComponentStatus{Name: c.Name, Kind: string(c.Role), Endpoint: c.APIServerURL()}
		note := ""
		switch {
		case c.Role == localcluster.RoleMember && s.Pulled(c.Name):
			note = " (pull mode: its agent connects to the control plane)"
		case c.Role == localcluster.RoleMember:
			st.Name, note = memberName(c.Name, joined, c.APIServerURL())
		}
		p := f.clusterProcess(c, ClusterBinary)
		st.PID, st.Healthy = p.running()
		switch {
		case !st.Healthy:
			st.Message = "stopped"
		default:
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if err := probeAPIServer(pctx, c.KubeconfigPath); err != nil {
				st.Healthy, st.Message = false, err.Error()
			} else {
				st.Message = "ok"
			}
			cancel()
		}
		st.Message += note
		out = append(out, st)
	}
	leader, _ := f.ControllerManagerLeader(ctx)
	ports := controllerManagerHealthPorts(s)
	for i, p := range f.controllerManagerProcesses(s, ControllerManagerBinary) {
		cm := ComponentStatus{Name: p.Name, Kind: "controller-manager", Endpoint: "http://127.0.0.1:" + strconv.Itoa(ports[i])}
		cm.PID, cm.Healthy = p.running()
		if !cm.Healthy {
			cm.Message = "stopped"
		} else {
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if err := probeHTTP(pctx, cm.Endpoint+"/readyz"); err != nil {
				cm.Healthy, cm.Message = false, err.Error()
			} else {
				cm.Message = "ok"
			}
			cancel()
		}
		if s.HA != nil && cm.Healthy {
			cm.Message += map[bool]string{true: ", leader", false: ", standby"}[leader == p.Name]
		}
		out = append(out, cm)
	}
	for _, name := range s.Pull {
		out = append(out, f.agentStatus(s, name))
	}
	if s.Prometheus != nil {
		ps := ComponentStatus{Name: "prometheus", Kind: "prometheus", Endpoint: s.Prometheus.URL()}
		ps.PID, ps.Healthy = f.prometheusProcess(s, PrometheusBinary).running()
		if !ps.Healthy {
			ps.Message = "stopped"
		} else {
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			if err := probeHTTP(pctx, ps.Endpoint+"/-/ready"); err != nil {
				ps.Healthy, ps.Message = false, err.Error()
			} else {
				ps.Message = "ok"
			}
			cancel()
		}
		out = append(out, ps)
	}
	return out, nil
}

// agentStatus reports a pull member's agent: its process and metrics.
func (f *Fleet) agentStatus(s *State, cluster string) ComponentStatus {
	st := ComponentStatus{Name: AgentProcessName(cluster), Kind: "agent"}
	st.PID, st.Healthy = f.agentProcess(s, cluster, AgentBinary, 0).running()
	if !st.Healthy {
		st.Message = "stopped: " + cluster + " runs on, and goes NotReady once its Lease expires"
		return st
	}
	if url, err := os.ReadFile(f.layout.AgentMetricsFile(cluster)); err == nil {
		st.Endpoint = strings.TrimSuffix(string(url), "/metrics")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := probeHTTP(ctx, string(url)); err != nil {
			st.Healthy, st.Message = false, err.Error()
			return st
		}
	}
	st.Message = "ok, serving " + cluster
	return st
}

// balancerStatus reports an HA fleet's balancer: its process, and how many
// replicas it can send requests to (their /readyz, as it probes them).
func (f *Fleet) balancerStatus(s *State) ComponentStatus {
	cp := s.Clusters[0]
	st := ComponentStatus{Name: cp.Name, Kind: "load-balancer", Endpoint: cp.APIServerURL()}
	st.PID, st.Healthy = f.balancerProcess(s, KuratorBinary).running()
	if !st.Healthy {
		st.Message = "stopped"
		return st
	}
	ready := 0
	for _, r := range s.HA.ControlPlanes {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if componentProbe(components.ControlPlane(r, components.Resources{}))(ctx) == nil {
			ready++
		}
		cancel()
	}
	st.Healthy = ready > 0
	st.Message = fmt.Sprintf("%d/%d replicas ready", ready, len(s.HA.ControlPlanes))
	return st
}

// memberName names a member as the control plane knows it (the names of
// the Clusters with its endpoint): after 'kurator unjoin' and 'kurator join'
// under a new name, the new one, which every other command takes. The note
// says how that differs from the local name; joined nil means the control
// plane could not be asked.
func memberName(local string, joined map[string][]string, endpoint string) (string, string) {
	if joined == nil {
		return local, ""
	}
	names := joined[endpoint]
	switch {
	case len(names) == 0:
		return local, " (not joined to the control plane)"
	case slices.Contains(names, local) && len(names) == 1:
		return local, ""
	case slices.Contains(names, local):
		return local, " (also joined as " + strings.Join(slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == local }), ", ") + ")"
	default:
		return strings.Join(names, ","), " (local cluster " + local + ")"
	}
}

// joinedNames maps each member API endpoint to the names of the Clusters
// the control plane knows it by; nil when the control plane cannot say.
func (f *Fleet) joinedNames(ctx context.Context) map[string][]string {
	cp, err := newControlPlaneClient(f.layout.ClusterKubeconfig(ControlPlaneName))
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var clusters karmadaclusterv1alpha1.ClusterList
	if err := cp.List(ctx, &clusters); err != nil {
		return nil
	}
	out := map[string][]string{}
	for _, c := range clusters.Items {
		endpoint := strings.TrimSuffix(c.Spec.APIEndpoint, "/")
		out[endpoint] = append(out[endpoint], c.Name)
	}
	for _, names := range out {
		sort.Strings(names)
	}
	return out
}

// ControlPlaneStatus reads what the control plane says about its
// components: the replicas' etcd reports and the controller-manager leader.
func (f *Fleet) ControlPlaneStatus(ctx context.Context) (components.ControlPlaneStatus, error) {
	cp, err := newControlPlaneClient(f.layout.ClusterKubeconfig(ControlPlaneName))
	if err != nil {
		return components.ControlPlaneStatus{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return components.ReadStatus(ctx, cp, time.Now())
}
