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

package framework

import "fmt"

// SimulatedWorkload is the YAML of a Deployment whose pods request 100m of
// CPU each and spend 1 ms of it per simulated request, and of its Service:
// the load model's sim.kurator.dev/rps on the Service (serviceRPS; empty:
// the member's default of 100/s) drives the pods' CPU, which the members'
// metrics.k8s.io and Prometheus report. Autoscaling tests add their own
// policies. The load is simulated, not real traffic.
func SimulatedWorkload(name string, replicas int, serviceRPS string) string {
	annotations := ""
	if serviceRPS != "" {
		annotations = fmt.Sprintf(", annotations: {sim.kurator.dev/rps: %q}", serviceRPS)
	}
	return fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s}
spec:
  replicas: %[2]d
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata:
      labels: {app: %[1]s}
      annotations: {sim.kurator.dev/cpu-per-request: 1m}
    spec: {containers: [{name: app, image: nginx, resources: {requests: {cpu: 100m}}}]}
---
apiVersion: v1
kind: Service
metadata: {name: %[1]s%[3]s}
spec: {selector: {app: %[1]s}, ports: [{port: 80}]}
`, name, replicas, annotations)
}
