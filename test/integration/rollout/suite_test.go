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

// Package rollout_test runs staged rollouts on a fleet of six members in
// three rings, its own fleet so that the shared packages keep three.
package rollout_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"kurator.dev/kurator/test/framework"
)

// sixMembers: ring 0 is the canary, ring 1 two clusters, ring 2 three, each
// with an order within its ring. One small node each keeps the fleet light.
const sixMembers = `apiVersion: fleet.kurator.dev/v1alpha1
kind: Fleet
metadata:
  name: rings
  annotations:
    local.kurator.dev/node-pools: '{"canary-1": {"count": 1}, "ring1-a": {"count": 1}, "ring1-b": {"count": 1}, "ring2-a": {"count": 1}, "ring2-b": {"count": 1}, "ring2-c": {"count": 1}}'
spec:
  clusters:
  - {name: canary-1, labels: {ring: "0", order: "1"}}
  - {name: ring1-a, labels: {ring: "1", order: "2"}}
  - {name: ring1-b, labels: {ring: "1", order: "1"}}
  - {name: ring2-a, labels: {ring: "2", order: "3"}}
  - {name: ring2-b, labels: {ring: "2", order: "1"}}
  - {name: ring2-c, labels: {ring: "2", order: "2"}}
`

var fleet *framework.Fleet

func TestMain(m *testing.M) {
	var err error
	fleet, err = framework.Start(context.Background(), sixMembers)
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
