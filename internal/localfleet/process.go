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
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is a component the launcher starts in the background and finds
// again later through its pid file.
type process struct {
	Name    string
	Binary  string
	Args    []string
	Env     []string
	PIDFile string
	LogFile string
	// Nice lowers the process's CPU priority (0 keeps it).
	Nice int
	// Match is a text only this component's command line holds, telling
	// it from another process that reused its pid; empty: its first
	// argument.
	Match string
}

// running reports the pid of the process if it is alive and really is this
// component (the pid was not reused by something else).
func (p process) running() (int, bool) {
	data, err := os.ReadFile(p.PIDFile)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return 0, false
	}
	match := p.Match
	if match == "" && len(p.Args) > 0 {
		match = p.Args[0]
	}
	if !strings.Contains(string(cmdline), filepath.Base(p.Binary)) || !strings.Contains(string(cmdline), match) {
		return 0, false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err == nil && isZombie(string(stat)) {
		return 0, false
	}
	return pid, true
}

// exited reports whether the process is gone, or a zombie: only then are
// its files, and so its listening ports, closed. running is no test of that:
// an exiting process's cmdline empties (its memory goes) before its files
// are closed, and a member started again at once found its etcd port taken.
func exited(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	return err != nil || isZombie(string(stat))
}

func isZombie(stat string) bool {
	// /proc/PID/stat: "pid (comm) S ..."; comm may contain spaces.
	i := strings.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// start launches the process detached from the terminal (its own session), so
// it outlives the command that started it. exited receives its exit error
// while this process is still around to see it.
func (p process) start(dieWithParent bool) (exited <-chan error, err error) {
	if err := os.MkdirAll(filepath.Dir(p.LogFile), 0o700); err != nil {
		return nil, err
	}
	logf, err := os.OpenFile(p.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(p.Binary, p.Args...)
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if dieWithParent {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", p.Name, err)
	}
	if err := os.WriteFile(p.PIDFile, []byte(strconv.Itoa(cmd.Process.Pid)), 0o600); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	if p.Nice != 0 {
		// The whole process group, which is every thread of the new
		// session: Linux keeps a nice value per thread, and threads the
		// process starts later inherit it.
		if err := syscall.Setpriority(syscall.PRIO_PGRP, cmd.Process.Pid, p.Nice); err != nil {
			_ = cmd.Process.Kill()
			return nil, fmt.Errorf("lower the priority of %s: %w", p.Name, err)
		}
	}
	ch := make(chan error, 1)
	go func() { ch <- cmd.Wait() }()
	return ch, nil
}

// stop sends SIGTERM, waits up to grace for the process to exit, then kills it.
func (p process) stop(grace time.Duration) error {
	pid, ok := p.running()
	if !ok {
		_ = os.Remove(p.PIDFile)
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop %s (pid %d): %w", p.Name, pid, err)
	}
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if exited(pid) {
			_ = os.Remove(p.PIDFile)
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for range 50 {
		if exited(pid) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = os.Remove(p.PIDFile)
	return nil
}

// logTail returns the last lines of the process log, to explain a failure.
func (p process) logTail(lines int) string {
	data, err := os.ReadFile(p.LogFile)
	if err != nil {
		return ""
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
