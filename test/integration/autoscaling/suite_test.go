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

// Package autoscaling_test checks fleet-wide autoscaling on one shared local
// fleet with Prometheus: the seed's example 12 (an HPA on the control plane
// scaling example 11's Deployment over a spot and an on-demand cluster),
// Karmada's FederatedHPA and CronFederatedHPA, External metrics, a member
// down while scaling, and HPAs propagated to the members. Load comes from
// the simulated kubelet's load model (sim.kurator.dev/rps on a Service):
// simulated traffic, not measured.
package autoscaling_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

// fleetYAML names the clusters as example 11 does.
const fleetYAML = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: autoscaling
spec:
  clusters:
  - name: spot-cluster
  - name: ondemand-cluster
`

// fleet is shared by every test of the package.
var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.StartWith(context.Background(), framework.Options{FleetYAML: fleetYAML, Prometheus: true,
		// Scaling shows within seconds; the arithmetic is the same at 15 s.
		ControllerManagerArgs: []string{"--horizontal-pod-autoscaler-sync-period=5s"}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
