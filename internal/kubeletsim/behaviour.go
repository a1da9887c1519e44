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

package kubeletsim

import (
	"fmt"
	"math"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Pod-template annotations that set how a simulated pod answers the requests
// the load model sends it. An OverridePolicy or a new template version can
// set them for one cluster's copy, as a bad release would. Everything they
// drive is simulated: no request is really served.
const (
	// ErrorRateAnnotation is the fraction (0 to 1) of requests answered 503.
	ErrorRateAnnotation = "sim.kurator.dev/error-rate"
	// LatencyAnnotation is the median response time in milliseconds. Response
	// times are log-normal around it (sigma 0.5), so P99 is about 3.2 times it.
	LatencyAnnotation = "sim.kurator.dev/latency-ms"
	// CPUPerRequestAnnotation is the CPU time one request costs, as a quantity
	// of cores: "2m" means 2 ms of CPU, so 100 requests/s use 200m.
	CPUPerRequestAnnotation = "sim.kurator.dev/cpu-per-request"
	// CPUIdleAnnotation is the CPU a pod uses without traffic.
	CPUIdleAnnotation = "sim.kurator.dev/cpu-idle"
	// MemoryIdleAnnotation is the memory a pod uses without traffic.
	MemoryIdleAnnotation = "sim.kurator.dev/memory-idle"
	// MemoryPerRPSAnnotation is the extra memory per request/s of load.
	MemoryPerRPSAnnotation = "sim.kurator.dev/memory-per-rps"
	// RPSAnnotation on a Service (or a VirtualService) is the requests per
	// second it receives fleet-wide; without it the member's default applies.
	RPSAnnotation = "sim.kurator.dev/rps"
)

// behaviour is how one pod answers, from its annotations.
type behaviour struct {
	errorRate     float64 // 0..1
	latencyMs     float64 // median
	cpuPerRequest float64 // cores·s
	cpuIdle       float64 // cores
	memoryIdle    float64 // bytes
	memoryPerRPS  float64 // bytes
}

func defaultBehaviour() behaviour {
	return behaviour{errorRate: 0, latencyMs: 20, cpuPerRequest: 0.001, cpuIdle: 0.002, memoryIdle: 32 << 20, memoryPerRPS: 256 << 10}
}

// podBehaviour reads a pod's annotations. A malformed value is ignored (the
// default stays) and reported, so one typo cannot stop the simulation.
func podBehaviour(pod *corev1.Pod) (behaviour, []error) {
	b := defaultBehaviour()
	var errs []error
	fraction := func(key string, into *float64) {
		if v, ok := pod.Annotations[key]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0 || f > 1 || math.IsNaN(f) {
				errs = append(errs, fmt.Errorf("%s=%q: want a fraction between 0 and 1", key, v))
				return
			}
			*into = f
		}
	}
	positive := func(key string, into *float64) {
		if v, ok := pod.Annotations[key]; ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || math.IsInf(f, 0) || math.IsNaN(f) {
				errs = append(errs, fmt.Errorf("%s=%q: want a positive number", key, v))
				return
			}
			*into = f
		}
	}
	quantity := func(key string, into *float64) {
		if v, ok := pod.Annotations[key]; ok {
			q, err := resource.ParseQuantity(v)
			if err != nil || q.Sign() < 0 {
				errs = append(errs, fmt.Errorf("%s=%q: want a non-negative quantity", key, v))
				return
			}
			*into = q.AsApproximateFloat64()
		}
	}
	fraction(ErrorRateAnnotation, &b.errorRate)
	positive(LatencyAnnotation, &b.latencyMs)
	quantity(CPUPerRequestAnnotation, &b.cpuPerRequest)
	quantity(CPUIdleAnnotation, &b.cpuIdle)
	quantity(MemoryIdleAnnotation, &b.memoryIdle)
	quantity(MemoryPerRPSAnnotation, &b.memoryPerRPS)
	return b, errs
}

// latencySigma is the spread of the log-normal response times.
const latencySigma = 0.5

// latencyCDF is the fraction of responses faster than ms.
func (b behaviour) latencyCDF(ms float64) float64 {
	if ms <= 0 {
		return 0
	}
	z := (math.Log(ms) - math.Log(b.latencyMs)) / latencySigma
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// meanLatency is the mean of the log-normal response times, for _sum.
func (b behaviour) meanLatency() float64 {
	return b.latencyMs * math.Exp(latencySigma*latencySigma/2)
}

// rpsAnnotation reads a requests-per-second annotation, or returns def.
func rpsAnnotation(annotations map[string]string, def float64) float64 {
	if v, ok := annotations[RPSAnnotation]; ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && !math.IsInf(f, 0) {
			return f
		}
	}
	return def
}
