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
	"strconv"
	"time"
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
	for _, c := range s.Clusters {
		st := ComponentStatus{Name: c.Name, Kind: string(c.Role), Endpoint: c.APIServerURL()}
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
		out = append(out, st)
	}
	cm := ComponentStatus{Name: "kurator-controller-manager", Kind: "controller-manager", Endpoint: "http://127.0.0.1:" + strconv.Itoa(s.ControllerManagerHealth)}
	cm.PID, cm.Healthy = f.controllerManagerProcess(s, ControllerManagerBinary).running()
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
	return append(out, cm), nil
}
