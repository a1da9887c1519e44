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

package scheduling

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The decision limiter's gauges, on the controller-manager's /metrics.
var (
	parallelismGauge = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "kurator_scheduler_parallelism",
		Help: "How many bindings may be decided at once: the KarmadaConfig's parallelism, or every scheduling worker without one.",
	})
	inFlightGauge = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "kurator_scheduler_decisions_in_flight",
		Help: "How many binding decisions are running.",
	})
)

func init() {
	metrics.Registry.MustRegister(parallelismGauge, inFlightGauge)
}
