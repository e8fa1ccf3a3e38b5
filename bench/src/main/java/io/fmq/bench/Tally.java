package io.fmq.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one bench run. Each workload runs in rounds that alternate the brokers (FMQ, Artemis, FMQ,
 * Artemis, ...), so a drift of the machine's speed during the run touches both alike. Every round's figure is
 * printed as it comes ({@code <broker> <workload>.round<k> <value> <unit>}); {@link #summary} then prints per
 * workload the median of each broker ({@code <broker> <workload> <median> <unit>}), the ratio of every round
 * ({@code ratio <workload>.round<k> <x>}) and their median ({@code ratio <workload> <x>}); x > 1 means FMQ was
 * better (rates: FMQ/Artemis, times: Artemis/FMQ). With a limit known for a workload it also prints
 * {@code limit <workload> <value> msgs/s (<what>)} and {@code fraction <workload> <FMQ median / limit>}.
 *
 * <p>Used from the bench's main thread only.
 */
final class Tally {
    /** One workload's figures: per broker the value of each round. */
    private static final class Figures {
        final String unit;
        final boolean higherIsBetter;
        final Map<String, List<Double>> rounds = new LinkedHashMap<>();

        Figures(String unit, boolean higherIsBetter) {
            this.unit = unit;
            this.higherIsBetter = higherIsBetter;
        }
    }

    /** A workload's limit: the most this machine could move for it, and how that was measured. */
    record Limit(double perSecond, String what) {
    }

    private final Map<String, Figures> workloads = new LinkedHashMap<>();
    private final Map<String, Limit> limits = new LinkedHashMap<>();

    /** Records (and prints) one round's figure of a broker. */
    void add(String broker, String workload, double value, String unit, boolean higherIsBetter) {
        Figures f = workloads.computeIfAbsent(workload, w -> new Figures(unit, higherIsBetter));
        List<Double> list = f.rounds.computeIfAbsent(broker, b -> new ArrayList<>());
        list.add(value);
        print("%s %s.round%d %s %s", broker, workload, list.size(), format(value, unit), unit);
    }

    void limit(String workload, Limit limit) {
        limits.put(workload, limit);
    }

    /** The median of a broker's rounds of a workload, or null when it has none. */
    Double median(String broker, String workload) {
        Figures f = workloads.get(workload);
        List<Double> list = f == null ? null : f.rounds.get(broker);
        return list == null || list.isEmpty() ? null : median(list);
    }

    /** Prints the medians, the ratios and the fractions of the limits of every workload recorded. */
    void summary() {
        for (Map.Entry<String, Figures> e : workloads.entrySet()) {
            String name = e.getKey();
            Figures f = e.getValue();
            for (Map.Entry<String, List<Double>> b : f.rounds.entrySet()) {
                print("%s %s %s %s", b.getKey(), name, format(median(b.getValue()), f.unit), f.unit);
            }
            List<Double> fmq = f.rounds.get("fmq");
            List<Double> artemis = f.rounds.get("artemis");
            if (fmq != null && artemis != null) {
                List<Double> ratios = new ArrayList<>();
                for (int i = 0; i < Math.min(fmq.size(), artemis.size()); i++) {
                    double a = fmq.get(i);
                    double b = artemis.get(i);
                    double ratio = f.higherIsBetter ? a / b : b / a;
                    ratios.add(ratio);
                    print("ratio %s.round%d %.2f", name, i + 1, ratio);
                }
                print("ratio %s %.2f", name, median(ratios));
            }
            Limit limit = limits.get(name);
            if (limit != null && fmq != null) {
                print("limit %s %.0f msgs/s (%s)", name, limit.perSecond(), limit.what());
                print("fraction %s %.2f", name, median(fmq) / limit.perSecond());
            }
        }
    }

    static double median(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static String format(double value, String unit) {
        return String.format(Locale.ROOT, unit.equals("msgs/s") || unit.equals("msgs") || unit.equals("MB") ? "%.0f" : "%.3f", value);
    }

    static void print(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }
}
