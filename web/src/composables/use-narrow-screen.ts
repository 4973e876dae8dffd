import { onBeforeUnmount, ref, type Ref } from 'vue';

/** True on phone widths, where the candidate portal runs as the 随申办 H5 page. */
export function useNarrowScreen(maxWidth = 767): Ref<boolean> {
  const query = window.matchMedia(`(max-width: ${maxWidth}px)`);
  const narrow = ref(query.matches);
  const update = (event: MediaQueryListEvent) => {
    narrow.value = event.matches;
  };
  query.addEventListener('change', update);
  onBeforeUnmount(() => query.removeEventListener('change', update));
  return narrow;
}
