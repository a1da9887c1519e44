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

// Package pulljoin_test joins a local fleet's member with 'kurator join
// --pull': the agent's chart is installed into the member by Helm and the
// test plays the kubelet, running the installed Deployment's kurator-agent
// as a process, since the member's simulated kubelet runs no container.
package pulljoin_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/internal/localfleet"
	"kurator.dev/kurator/test/framework"
)

// member is the fleet's only member. The fleet itself runs it in pull mode,
// so that the control plane holds no credential of it: every credential of
// it found there would have come from join.
const member = "edge"

const oneMember = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: pulljoin
spec:
  clusters:
  - {name: edge}
`

var (
	fleet                           *framework.Fleet
	memberKubeconfig, hubKubeconfig string
)

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.StartWith(context.Background(), framework.Options{FleetYAML: oneMember, Pull: []string{member}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "start local fleet: %v\n", err)
		os.Exit(1)
	}
	memberKubeconfig = fleet.Layout().ClusterKubeconfig(member)
	hubKubeconfig = fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName)
	code := m.Run()
	if err := fleet.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
