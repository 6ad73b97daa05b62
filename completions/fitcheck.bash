# bash completion for fitcheck
_fitcheck()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
    fi
    local commands="calibrate check compare cost estimate hardware help list model plan recommend show validate version"
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --format|-f) COMPREPLY=($(compgen -W "table markdown json csv html svg" -- "$cur")); return ;;
        --kv-type) COMPREPLY=($(compgen -W "f16 q8_0 q4_0" -- "$cur")); return ;;
        --split) COMPREPLY=($(compgen -W "layer tensor" -- "$cur")); return ;;
        --hardware|-H)
            COMPREPLY=($(compgen -W "local $(fitcheck list hardware --format csv 2>/dev/null | tail -n +2 | cut -d, -f1 | tr -d '"')" -- "$cur")); return ;;
        --model|-m)
            COMPREPLY=($(compgen -W "$(fitcheck list models --format csv 2>/dev/null | tail -n +2 | cut -d, -f1 | tr -d '"')" -- "$cur"))
            COMPREPLY+=($(compgen -f -X '!*.@(json|gguf)' -- "$cur")); return ;;
        --quant|-q)
            COMPREPLY=($(compgen -W "auto $(fitcheck list quants --format csv 2>/dev/null | tail -n +2 | cut -d, -f1 | tr -d '"')" -- "$cur")); return ;;
        --catalog|--calibration|--output) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    local cmd=${words[1]}
    if [ "$cmd" = list ] && [ "$cword" -eq 2 ]; then
        COMPREPLY=($(compgen -W "hardware models quants hosts links backends" -- "$cur"))
        return
    fi
    if [ "$cmd" = help ] && [ "$cword" -eq 2 ]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        local opts
        opts=$(fitcheck help "$cmd" 2>/dev/null | grep -Eo -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
}
complete -F _fitcheck fitcheck
