package io.fmq.profile;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in one profile, errors and warnings, in file order. */
public record ValidationReport(List<Problem> problems) {

    public ValidationReport {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).collect(Collectors.toList());
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).collect(Collectors.toList());
    }

    /** The problems for one key (by its canonical name or as written), e.g. for a Studio field. */
    public List<Problem> forKey(ConfigKey key) {
        return problems.stream()
                .filter(p -> p.key().equals(key.key()) || key.aliases().contains(p.key()))
                .collect(Collectors.toList());
    }

    /** All problems, one per line. */
    public String format() {
        return problems.stream().map(Problem::format).collect(Collectors.joining(System.lineSeparator()));
    }
}
