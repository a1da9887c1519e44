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
package scheduler

import (
	corev1 "k8s.io/api/core/v1"

	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// demand is one replica's requests in milli-units, converted once per
// decision rather than once per cluster.
type demand struct {
	w        *framework.Workload
	requests []resourceMilli
}

type resourceMilli struct {
	name  corev1.ResourceName
	milli int64
}

func newDemand(w *framework.Workload) demand {
	d := demand{w: w}
	if w.Requirements == nil {
		return d
	}
	for name, q := range w.Requirements.Requests {
		if need := q.MilliValue(); need > 0 && name != corev1.ResourcePods {
			d.requests = append(d.requests, resourceMilli{name: name, milli: need})
		}
	}
	return d
}

// available estimates how many more replicas of the workload fit in the
// cluster; -1 when the workload has no per-replica requirements.
func (d demand) available(c *framework.ClusterInfo) int64 {
	if d.w.Requirements == nil {
		return -1
	}
	if len(c.Nodes) > 0 {
		return estimator.Replicas(c.Nodes, *d.w.Requirements, c.Reserved...)
	}
	return d.fromSummary(c)
}

// fromSummary estimates from the cluster's resource summary alone, when no
// node detail is known (e.g. a what-if scenario without nodes).
func (d demand) fromSummary(c *framework.ClusterInfo) int64 {
	free := c.Free()
	if len(free) == 0 {
		return 0
	}
	n := free[corev1.ResourcePods] / 1000
	for _, r := range c.Reserved {
		n -= r.Replicas
	}
	for _, req := range d.requests {
		have := free[req.name]
		for _, r := range c.Reserved {
			rq := r.Requirements.Requests[req.name]
			have -= rq.MilliValue() * r.Replicas
		}
		n = min(n, have/req.milli)
	}
	return max(n, 0)
}
