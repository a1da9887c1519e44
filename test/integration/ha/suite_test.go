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

// Package ha_test runs a highly available local fleet — three control-plane
// replicas forming one etcd cluster behind a balancer, two
// controller-managers electing a leader — and takes its processes away
// while templates propagate.
package ha_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

// twoMembers keeps the fleet light: the control plane is what is exercised.
const twoMembers = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: ha
  annotations:
    local.kurator.dev/node-pools: '{"east": {"count": 1}, "west": {"count": 1}}'
spec:
  clusters:
  - {name: east, labels: {region: east}}
  - {name: west, labels: {region: west}}
`

var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.StartWith(context.Background(), framework.Options{FleetYAML: twoMembers, HA: true})
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
