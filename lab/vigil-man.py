#!/usr/bin/env python3
"""Writes vigil(1) from the argument parser's own description of the command line.

Usage: vigil-man.py VIGIL > vigil.1

It runs `VIGIL --experimental-dump-help` (swift-argument-parser's tool description: every
command, argument, option, flag, abstract and discussion) and renders it as a man page, so the
page says exactly what the parser accepts.
"""
import json
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote."""
    text = (text or "").replace("\\", "\\e")
    lines = []
    for line in text.split("\n"):
        if line.startswith(".") or line.startswith("'"):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def flag_name(name):
    return ("--" if name["kind"] == "long" else "-") + name["name"] if name["kind"] in ("long", "short") else name["name"]


def render_command(command, path, out):
    """One SH section per command (the root command's arguments go under OPTIONS)."""
    title = " ".join(path)
    arguments = [a for a in command.get("arguments", []) if a.get("shouldDisplay", True)]
    subcommands = [c for c in command.get("subcommands", []) if c.get("shouldDisplay", True) and c["commandName"] != "help"]
    if len(path) > 1:
        out.append(".SS " + roff(title))
        if command.get("abstract"):
            out.append(roff(command["abstract"]))
        if command.get("discussion"):
            out.append(".PP")
            out.append(roff(command["discussion"]))
    for argument in arguments:
        names = argument.get("names") or []
        if argument["kind"] == "positional":
            label = "<" + argument.get("valueName", "value") + ">"
        else:
            label = ", ".join(flag_name(n) for n in names)
            if argument["kind"] == "option":
                label += " <" + argument.get("valueName", "value") + ">"
        out.append(".TP")
        out.append("\\fB" + roff(label) + "\\fR")
        help_text = argument.get("abstract", "")
        if argument.get("defaultValue") not in (None, ""):
            help_text += " (default: " + str(argument["defaultValue"]) + ")"
        out.append(roff(help_text))
    for sub in subcommands:
        render_command(sub, path + [sub["commandName"]], out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: vigil-man.py VIGIL")
    dump = subprocess.run([sys.argv[1], "--experimental-dump-help"], check=True, capture_output=True, text=True).stdout
    root = json.loads(dump)["command"]
    version = subprocess.run([sys.argv[1], "--version"], check=True, capture_output=True, text=True).stdout.strip()
    out = [
        '.TH VIGIL 1 "" "vigil ' + roff(version) + '" "Vigil manual"',
        ".SH NAME",
        "vigil \\- " + roff(root.get("abstract", "")),
        ".SH SYNOPSIS",
        "\\fBvigil\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]",
        ".SH DESCRIPTION",
        roff(root.get("abstract", "")),
        "Each command below lists its arguments and options; \\fBvigil help COMMAND\\fR prints the same.",
        ".SH COMMANDS",
    ]
    render_command(root, ["vigil"], out)
    out += [
        ".SH FILES",
        ".TP",
        "/etc/vigil/vigil.yaml",
        "The client file: etcd endpoints, TLS, credentials and the cluster's name.",
        ".SH SEE ALSO",
        "The operator guide: docs/operator-guide.md in the source tree.",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
